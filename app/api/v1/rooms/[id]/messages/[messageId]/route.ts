import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { deleteMessage } from "@/lib/rooms/delete-message";
import { editMessage } from "@/lib/rooms/edit-message";
import { editMessageSchema, messageParams } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** Edits `{content?, data?}`: the author only, within ROOM_EDIT_WINDOW_MINUTES. */
export const PATCH = route({ auth: "user", scopes: ["rooms:write"], params: messageParams, body: editMessageSchema, maxBodyBytes: 256 * 1024 }, async ({ input, actor }) => ({
  message: await editMessage(getDb(), actor, input.params.id, input.params.messageId, input.body),
}));

/** Soft-deletes: the author, the commander or an admin. Returns the placeholder. */
export const DELETE = route({ auth: "user", scopes: ["rooms:write"], params: messageParams }, async ({ input, actor }) => ({
  message: await deleteMessage(getDb(), actor, input.params.id, input.params.messageId),
}));
