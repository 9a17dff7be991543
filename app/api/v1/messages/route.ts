import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { fieldErrors, json, route } from "@/lib/http/route";
import { ingestMessages, type IngestOrigin } from "@/lib/messages/ingest";
import { listMessages } from "@/lib/messages/list";
import { ingestEnvelopeSchema, listMessagesQuerySchema, MAX_INGEST_REQUEST_BYTES, messageInputSchema, type MessageInput } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** The inbox, newest first (or best match first with q), in keyset pages. */
export const GET = route({ auth: "user", scopes: ["messages:read"], query: listMessagesQuerySchema }, async ({ input, actor }) => listMessages(getDb(), actor.userId, input.query));

/**
 * Ingest: one message (201, or 200 with the stored copy when it is a
 * duplicate) or {messages: [...]} up to 500 (201 when every item was
 * created, else 207 with a result per item). Each call is one transaction.
 */
export const POST = route(
  { auth: "user", scopes: ["messages:write"], body: ingestEnvelopeSchema, rateLimit: "ingest", maxBodyBytes: MAX_INGEST_REQUEST_BYTES },
  async ({ input, actor }) => {
    const origin: IngestOrigin = { userId: actor.userId, deviceId: actor.deviceId ?? null, source: "api" };
    const batch = input.body.messages;
    if (batch === undefined) {
      const parsed = messageInputSchema.safeParse(input.body);
      if (!parsed.success) throw new AppError("validation_failed", "The body failed validation", { errors: fieldErrors(parsed.error, "body") });
      const [outcome] = await ingestMessages(getDb(), origin, [parsed.data]);
      return json({ message: outcome!.message }, { status: outcome!.status === "created" ? 201 : 200 });
    }

    const valid: Array<{ index: number; input: MessageInput }> = [];
    const results: Array<{ index: number; id?: string; status: "created" | "duplicate" | "invalid"; errors?: ReturnType<typeof fieldErrors> }> = [];
    batch.forEach((item, index) => {
      const parsed = messageInputSchema.safeParse(item);
      if (parsed.success) valid.push({ index, input: parsed.data });
      else results[index] = { index, status: "invalid", errors: fieldErrors(parsed.error, `body.messages.${index}`) };
    });
    const outcomes = await ingestMessages(
      getDb(),
      origin,
      valid.map((item) => item.input),
    );
    outcomes.forEach((outcome, position) => {
      const index = valid[position]!.index;
      results[index] = { index, id: outcome.message.id, status: outcome.status };
    });
    const allCreated = results.every((result) => result.status === "created");
    return json({ results }, { status: allCreated ? 201 : 207 });
  },
);
