import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { removeReaction } from "@/lib/rooms/reactions";
import { emojiSchema, reactionParams } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** Removes the caller's reaction; the emoji is URL-encoded in the path. */
export const DELETE = route({ auth: "user", scopes: ["rooms:write"], params: reactionParams }, async ({ input, actor }) => {
  const emoji = emojiSchema.safeParse(decodeSegment(input.params.emoji));
  if (!emoji.success) throw new AppError("validation_failed", "The emoji in the path is not a reaction", { errors: [{ path: "params.emoji", message: "must be one emoji or a :shortcode:" }] });
  const { messageId, reactions } = await removeReaction(getDb(), actor, input.params.id, input.params.messageId, emoji.data);
  return { messageId, reactions };
});

/** Next hands over some dynamic segments still percent-encoded; an emoji never contains a literal %. */
function decodeSegment(value: string): string {
  try {
    return value.includes("%") ? decodeURIComponent(value) : value;
  } catch {
    return value;
  }
}
