import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { pinMessage } from "@/lib/rooms/pin-message";
import { messageParams } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** Pins the message to the room's timeline. */
export const PUT = route({ auth: "user", scopes: ["rooms:write"], params: messageParams }, async ({ input, actor }) => ({
  message: await pinMessage(getDb(), actor, input.params.id, input.params.messageId, true),
}));

/** Takes it off the timeline. */
export const DELETE = route({ auth: "user", scopes: ["rooms:write"], params: messageParams }, async ({ input, actor }) => ({
  message: await pinMessage(getDb(), actor, input.params.id, input.params.messageId, false),
}));
