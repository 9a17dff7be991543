import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { deleteMessage, patchMessage } from "@/lib/messages/change";
import { getMessage } from "@/lib/messages/list";
import { patchMessageSchema } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** One of the caller's messages; another user's (or a deleted one) is a 404. */
export const GET = route({ auth: "user", scopes: ["messages:read"], params: idParams }, async ({ input, actor }) => ({
  message: await getMessage(getDb(), actor.userId, input.params.id),
}));

/** Changes tags and/or priority; the change syncs and is published. */
export const PATCH = route({ auth: "user", scopes: ["messages:write"], params: idParams, body: patchMessageSchema }, async ({ input, actor }) => ({
  message: await patchMessage(getDb(), actor.userId, input.params.id, input.body),
}));

/** Soft delete: gone from lists, and a tombstone for sync clients. */
export const DELETE = route({ auth: "user", scopes: ["messages:write"], params: idParams }, async ({ input, actor }) => {
  await deleteMessage(getDb(), actor.userId, input.params.id);
  return noContent();
});
