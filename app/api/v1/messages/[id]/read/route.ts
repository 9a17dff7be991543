import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { markRead, markUnread } from "@/lib/messages/change";

export const dynamic = "force-dynamic";

/** Marks the message read (idempotent). */
export const PUT = route({ auth: "user", scopes: ["messages:write"], params: idParams }, async ({ input, actor }) => ({
  message: await markRead(getDb(), actor.userId, input.params.id),
}));

/** Marks the message unread (idempotent). */
export const DELETE = route({ auth: "user", scopes: ["messages:write"], params: idParams }, async ({ input, actor }) => ({
  message: await markUnread(getDb(), actor.userId, input.params.id),
}));
