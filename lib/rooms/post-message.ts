import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Database, Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { getLogger } from "@/lib/log/logger";
import { roomChanges, roomMembers, roomMessages, rooms } from "@/lib/db/schema/rooms";
import { AppError } from "@/lib/http/errors";
import { fieldErrors } from "@/lib/http/route";
import { recordEvents, type OutboxEvent } from "@/lib/jobs/outbox";
import { metrics } from "@/lib/metrics/metrics";
import { assertCanPost, assertWritable, lockRoom, roomNotFound } from "@/lib/rooms/access";
import { publishEvents } from "@/lib/rooms/changes";
import { inRoomOrder } from "@/lib/rooms/room-queue";
import { listMembers } from "@/lib/rooms/people";
import { refDataSchema, type MessageView, type messageInputSchema, type RoomMessageType } from "@/lib/rooms/schemas";
import { assertWithin, byteLength, DATA_LIMIT_BYTES, mentionTokens, resolveMentions, stripControl, stripControlDeep, TEXT_LIMIT_BYTES } from "@/lib/rooms/text";
import { messageColumns, messageViews, toMessageView, type MessageRowLite } from "@/lib/rooms/views";

export type PostMessageInput = z.output<typeof messageInputSchema>;

/**
 * Cleans and measures a message body: control characters out, then the
 * limits (text and captions 10 KB, incident data 100 KB) as a 413 that
 * names the limit.
 */
export function prepareContent(type: Exclude<RoomMessageType, "system">, content: string, data: Record<string, unknown> | undefined | null): { content: string; data: Record<string, unknown> | null } {
  const text = stripControl(content);
  assertWithin(type === "text" ? "The message text" : "The caption", byteLength(text), TEXT_LIMIT_BYTES);
  if (type === "text" && text.trim() === "") {
    throw new AppError("validation_failed", "The message is empty", { errors: [{ path: "body.content", message: "is required for text messages" }] });
  }
  if (data === undefined || data === null) return { content: text, data: null };
  const cleaned = stripControlDeep(data) as Record<string, unknown>;
  const size = byteLength(JSON.stringify(cleaned));
  if (type === "incident_data") assertWithin("The incident data", size, DATA_LIMIT_BYTES);
  else assertWithin("The file reference", size, TEXT_LIMIT_BYTES);
  if (type === "image_ref" || type === "file_ref") {
    // The message input schema checks a new message's reference; an edit's data arrives only here.
    const parsed = refDataSchema.safeParse(cleaned);
    if (!parsed.success) throw new AppError("validation_failed", "The file reference failed validation", { errors: fieldErrors(parsed.error, "body.data") });
    return { content: text, data: parsed.data };
  }
  return { content: text, data: cleaned };
}

/** The members' ids a text mentions; reads the member list only when the text has an @. */
export async function mentionsIn(tx: Tx, roomId: string, text: string): Promise<string[]> {
  if (mentionTokens(text).length === 0) return [];
  return resolveMentions(text, await listMembers(tx, roomId));
}

type Outcome = { message: MessageView; created: boolean };
type Pending = {
  actor: Actor;
  input: PostMessageInput;
  prepared: { content: string; data: Record<string, unknown> | null };
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
  /** performance.now() when the message arrived, for the fan-out latency metric. */
  arrivedAt: number;
};

/** The most messages one transaction writes. */
export const MAX_BATCH = 100;

// Messages waiting for their room's next write, per room (one map per process).
const WAITING_KEY = Symbol.for("message-hub.rooms.waiting-messages");
type Holder = { [WAITING_KEY]?: Map<string, Pending[]> };
function waiting(): Map<string, Pending[]> {
  const holder = globalThis as Holder;
  holder[WAITING_KEY] ??= new Map();
  return holder[WAITING_KEY];
}

/**
 * Posts a message and resolves once it is committed (or refused).
 *
 * Messages to one room are written by group commit: while one transaction
 * for the room runs, the messages that arrive meanwhile wait and are then
 * written together in the next one. Each transaction locks the room, checks
 * every sender's membership and role after the lock (observers cannot post,
 * archived rooms take nothing), returns the stored message for a clientId
 * its author already used (also within the batch), takes the next seq and
 * position for the rest in arrival order, inserts them, logs the changes
 * and writes the outbox events (`room.message`, and `room.mention` for each
 * mentioned member). A refusal is per message; the others still go in.
 * `message:new` events go out after the commit, in seq order.
 *
 * A room's write rate would otherwise be bounded by one transaction's round
 * trips under the row lock; batching makes it grow with the load instead.
 * (A batch runs on the database handle of the call that opened it: one
 * process talks to one database.)
 */
export function postMessage(db: Database, actor: Actor, roomId: string, input: PostMessageInput): Promise<Outcome> {
  let prepared: Pending["prepared"];
  try {
    prepared = prepareContent(input.type, input.content, input.data);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<Outcome>((resolve, reject) => {
    const queues = waiting();
    const queue = queues.get(roomId) ?? [];
    queues.set(roomId, queue);
    queue.push({ actor, input, prepared, resolve, reject, arrivedAt: performance.now() });
    // The first waiting message books the room's next write; later ones ride along.
    if (queue.length === 1) scheduleFlush(db, roomId);
  });
}

function scheduleFlush(db: Database, roomId: string): void {
  inRoomOrder(roomId, () => flush(db, roomId)).catch((error: unknown) => getLogger().error({ err: error, roomId }, "room message flush failed"));
}

async function flush(db: Database, roomId: string): Promise<void> {
  const queues = waiting();
  const queue = queues.get(roomId) ?? [];
  const batch = queue.splice(0, MAX_BATCH);
  if (queue.length === 0) queues.delete(roomId);
  else scheduleFlush(db, roomId);
  if (batch.length === 0) return;

  let results: Array<Outcome | { error: unknown }>;
  try {
    results = await db.transaction((tx) => writeBatch(tx, roomId, batch));
  } catch (error) {
    for (const item of batch) item.reject(error);
    return;
  }
  try {
    publishEvents(results.flatMap((result) => ("message" in result && result.created ? [{ type: "message:new" as const, roomId, position: result.message.changeSeq, message: result.message }] : [])));
  } catch (error) {
    // Committed is committed: a failed broadcast is repaired by clients resuming from the database.
    getLogger().error({ err: error, roomId }, "publishing room messages failed");
  }
  countPublished(batch, results);
  results.forEach((result, i) => ("error" in result ? batch[i]!.reject(result.error) : batch[i]!.resolve(result)));
}

/** Each new message once, with the time from its arrival to its broadcast. */
function countPublished(batch: Pending[], results: Array<Outcome | { error: unknown }>): void {
  const m = metrics();
  const now = performance.now();
  results.forEach((result, i) => {
    if (!("message" in result) || !result.created) return;
    m.roomMessages.inc({ type: result.message.type });
    m.roomFanoutLatency.observe((now - batch[i]!.arrivedAt) / 1000);
  });
}

async function writeBatch(tx: Tx, roomId: string, batch: Pending[]): Promise<Array<Outcome | { error: unknown }>> {
  const room = await lockRoom(tx, roomId);
  // After the lock, in two reads for the whole batch: the senders' roles, and the messages their
  // clientIds already name (the lock orders this after any concurrent send, so it sees those rows).
  const authors = [...new Set(batch.map((item) => item.actor.userId))];
  const roles = new Map(
    (
      await tx
        .select({ userId: roomMembers.userId, role: roomMembers.role })
        .from(roomMembers)
        .where(and(eq(roomMembers.roomId, roomId), inArray(roomMembers.userId, authors)))
    ).map((row) => [row.userId, row.role]),
  );
  const keyed = batch.filter((item) => item.input.clientId);
  const stored =
    keyed.length === 0
      ? []
      : await tx
          .select(messageColumns)
          .from(roomMessages)
          .where(and(eq(roomMessages.roomId, roomId), or(...keyed.map((item) => and(eq(roomMessages.authorId, item.actor.userId), eq(roomMessages.clientId, item.input.clientId!))))));
  const byClientId = new Map<string, MessageView>();
  for (const view of await messageViews(tx, stored)) byClientId.set(`${view.authorId}|${view.clientId}`, view);

  const members = batch.some((item) => mentionTokens(item.prepared.content).length > 0) ? await listMembers(tx, roomId) : [];
  const results: Array<Outcome | { error: unknown }> = [];
  const rows: MessageRowLite[] = [];
  const events: OutboxEvent[] = [];
  let seq = room.lastSeq;
  let position = room.lastPosition;
  for (const { actor, input, prepared } of batch) {
    const role = roles.get(actor.userId);
    try {
      if (!role) throw roomNotFound();
      assertWritable(room);
      assertCanPost({ room, role });
    } catch (error) {
      results.push({ error });
      continue;
    }
    const key = `${actor.userId}|${input.clientId}`;
    const earlier = input.clientId ? byClientId.get(key) : undefined;
    if (earlier) {
      results.push({ message: earlier, created: false });
      continue;
    }
    const mentions = members.length > 0 ? resolveMentions(prepared.content, members) : [];
    const row: MessageRowLite = {
      id: newId("rmsg"),
      roomId,
      seq: ++seq,
      authorId: actor.userId,
      clientId: input.clientId ?? null,
      type: input.type,
      content: prepared.content,
      data: prepared.data,
      mentions,
      pinned: false,
      pinnedAt: null,
      pinnedBy: null,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
      changeSeq: ++position,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    rows.push(row);
    const message = toMessageView(row);
    if (input.clientId) byClientId.set(key, message);
    results.push({ message, created: true });
    events.push(
      // One event per message; whoever delivers it resolves the room's members.
      { type: "room.message", userId: null, data: { roomId, messageId: row.id, seq: row.seq, authorId: actor.userId, type: input.type } },
      ...mentions.filter((userId) => userId !== actor.userId).map((userId) => ({ type: "room.mention", userId, data: { roomId, messageId: row.id, seq: row.seq, authorId: actor.userId } })),
    );
  }
  if (rows.length === 0) return results;

  // The counters, the messages and their change-log rows in one statement: the lock is held, so every number is known.
  const inserted = await tx.execute<{ id: string; created_at: Date }>(sql`
    with counters as (
      update ${rooms} set last_seq = ${seq}, last_position = ${position}, updated_at = now() where id = ${roomId}
    ), changes as (
      insert into ${roomChanges} (room_id, position, kind, message_id, actor_id)
      values ${sql.join(
        rows.map((row) => sql`(${roomId}, ${row.changeSeq}, 'message:new', ${row.id}, ${row.authorId})`),
        sql`, `,
      )}
    )
    insert into ${roomMessages} (id, room_id, seq, author_id, client_id, type, content, data, mentions, change_seq)
    values ${sql.join(
      rows.map(
        (row) =>
          sql`(${row.id}, ${roomId}, ${row.seq}, ${row.authorId}, ${row.clientId}, ${row.type}, ${row.content}, ${row.data === null ? null : JSON.stringify(row.data)}::jsonb, ${sql.param(row.mentions)}::text[], ${row.changeSeq})`,
      ),
      sql`, `,
    )}
    returning id, created_at
  `);
  await recordEvents(tx, events);
  // The database's clock stamps the rows; the views (duplicates within the batch included) carry its value.
  const createdAt = new Map(inserted.rows.map((row) => [row.id, new Date(row.created_at).toISOString()]));
  return results.map((result) => {
    const stamp = "message" in result ? createdAt.get(result.message.id) : undefined;
    return stamp && "message" in result ? { ...result, message: { ...result.message, createdAt: stamp } } : result;
  });
}
