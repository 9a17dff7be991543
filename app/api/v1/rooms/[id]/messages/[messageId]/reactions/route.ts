import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { addReaction } from "@/lib/rooms/reactions";
import { messageParams, reactionSchema } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** Adds the caller's `{emoji}`; returns the message's per-emoji counts. Observers may react. */
export const POST = route({ auth: "user", scopes: ["rooms:write"], params: messageParams, body: reactionSchema }, async ({ input, actor }) => {
  const { messageId, reactions } = await addReaction(getDb(), actor, input.params.id, input.params.messageId, input.body.emoji);
  return { messageId, reactions };
});
