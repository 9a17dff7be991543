import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { listMessages } from "@/lib/rooms/list-messages";
import { postMessage } from "@/lib/rooms/post-message";
import { consumeMessageQuota } from "@/lib/rooms/rate-limit";
import { listMessagesQuery, messageInputSchema, roomParams } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** Messages by seq: `?afterSeq=` forwards, `?beforeSeq=` backwards, neither for the latest page. */
export const GET = route({ auth: "user", scopes: ["rooms:read"], params: roomParams, query: listMessagesQuery }, async ({ input, actor }) =>
  listMessages(getDb(), actor, input.params.id, input.query),
);

/**
 * Posts `{content, type?, clientId?, data?}`: 201 with the message, or 200 with
 * the stored one when this clientId was already used. Bodies past the
 * message limits get a 413 that names the limit.
 */
export const POST = route({ auth: "user", scopes: ["rooms:write"], params: roomParams, body: messageInputSchema, maxBodyBytes: 256 * 1024 }, async ({ input, actor }) => {
  await consumeMessageQuota(actor.userId);
  const { message, created: isNew } = await postMessage(getDb(), actor, input.params.id, input.body);
  return isNew ? created({ message }) : { message };
});
