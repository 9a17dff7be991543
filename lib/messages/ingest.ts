import { createHash } from "node:crypto";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { statementName, type Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { devices, messages } from "@/lib/db/schema/inbox";
import { getLogger } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/metrics";
import { publish } from "@/lib/realtime/publish";
import type { MessageInput, MessageView } from "@/lib/messages/schemas";
import { messageColumns, toMessageView, type MessageRow } from "@/lib/messages/view";

/**
 * Who a batch of messages belongs to and where it came from. `deviceId` is
 * null for device-less sources (a user's own key, the SMS router).
 */
export type IngestOrigin = { userId: string; deviceId: string | null; source: string };

export type IngestOutcome = { index: number; status: "created" | "duplicate"; message: MessageView };

/**
 * The dedupe key a message has when the client sends no id: its sender,
 * body and receive time to the second. A forwarder that retries sends the
 * same three, so the retry lands on the stored row.
 */
export function fingerprintOf(input: Pick<MessageInput, "sender" | "body" | "receivedAt">): string {
  return createHash("sha256")
    .update(`${input.sender}\u0000${input.body}\u0000${Math.floor(input.receivedAt.getTime() / 1000)}`)
    .digest("hex");
}

/**
 * Stores messages exactly once, in one statement (so one transaction and one
 * round trip), whose three parts commit together:
 * 1. it reserves one change position per input from the user's counter
 *    (lib/sync: the counter row stays locked until the commit, so a user's
 *    positions commit in order);
 * 2. it inserts with ON CONFLICT DO NOTHING on the dedupe indexes, so a
 *    concurrent retry of a committed message inserts nothing;
 * 3. it writes a message.received outbox event per new row.
 * It then reads back the stored row of every input that was a duplicate
 * (within the batch or of an earlier request): committed, since ON CONFLICT
 * waited for it. It publishes hub:message to the owner's sockets. A 2xx built
 * from the result therefore means committed.
 */
export async function ingestMessages(db: Database, origin: IngestOrigin, inputs: MessageInput[]): Promise<IngestOutcome[]> {
  if (inputs.length === 0) return [];
  const { userId, deviceId, source } = origin;

  // Before the statement that takes the counter row lock, so it is held briefly.
  if (deviceId) await markSeen(db, userId, deviceId);
  const rows = inputs.map((input) => ({
    id: newId("msg"),
    eventId: newId("evt"),
    userId,
    deviceId,
    source,
    externalId: input.externalId ?? null,
    fingerprint: fingerprintOf(input),
    type: input.type,
    sender: input.sender,
    recipient: input.recipient ?? null,
    body: input.body,
    title: input.title ?? null,
    app: input.app ?? null,
    simSlot: input.simSlot ?? null,
    threadKey: input.threadKey ?? null,
    priority: input.priority,
    tags: input.tags,
    metadata: input.metadata,
    attachments: input.attachments,
    receivedAt: input.receivedAt,
    sentAt: input.sentAt ?? null,
  }));

  const inserted = await insertSkippingDuplicates(db, userId, rows);
  const byId = new Map<string, MessageRow>(inserted.map((row) => [row.id, row]));
  const duplicates = rows.filter((row) => !byId.has(row.id));
  const stored = duplicates.length > 0 ? await readStored(db, userId, deviceId, duplicates) : new Map<string, MessageRow>();
  const outcomes: IngestOutcome[] = rows.map((row, index) => {
    const created = byId.get(row.id);
    if (created) return { index, status: "created", message: toMessageView(created) };
    const existing = stored.get(dedupeKey(row));
    // ON CONFLICT DO NOTHING skipped the row, so a conflicting row was
    // committed before the statement finished; not finding it is a bug, not input.
    if (!existing) throw new Error(`message ${index} conflicted but its stored copy was not found`);
    return { index, status: "duplicate", message: toMessageView(existing) };
  });

  const created = outcomes.filter((outcome) => outcome.status === "created");
  for (const outcome of created) publish(`user:${userId}`, "hub:message", { message: outcome.message, position: outcome.message.position });
  countIngest(source, outcomes);
  getLogger().info({ source, deviceId, created: created.length, duplicates: outcomes.length - created.length }, "messages ingested");
  return outcomes;
}

/** After the commit, so a rolled-back batch counts nothing. */
function countIngest(source: string, outcomes: IngestOutcome[]): void {
  const m = metrics();
  m.ingestRequests.inc({ source });
  const duplicates = outcomes.filter((outcome) => outcome.status === "duplicate").length;
  if (duplicates > 0) m.messagesDuplicate.inc({ source }, duplicates);
  for (const outcome of outcomes) if (outcome.status === "created") m.messagesIngested.inc({ type: outcome.message.type, source });
}

type NewRow = Omit<MessageRow, "readAt" | "deletedAt" | "expiredAt" | "createdAt" | "updatedAt" | "changePosition"> & { eventId: string };

const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** RETURNING every message column under its camelCase key, so rows come back shaped like MessageRow. */
const returningColumns = Object.keys(messageColumns)
  .map((key) => `${snake(key)} as "${key}"`)
  .join(", ");

/**
 * The whole write as one statement of data-modifying CTEs. The batch travels
 * as a single JSON parameter (not ~20 parameters per row), which keeps a
 * 500-row batch cheap to build, send and plan. Input i gets position
 * base + i, where base is the counter before this batch. ON CONFLICT DO
 * NOTHING (any of the dedupe indexes) skips duplicates, including duplicates
 * within the batch; their positions are simply never used.
 */
const INGEST_STATEMENT = `
    with batch as (
      select r.*, b.ordinality as n
      from jsonb_array_elements($1::jsonb) with ordinality as b(item, ordinality),
        jsonb_to_record(b.item) as r(id text, "eventId" text, "userId" text, "deviceId" text, source text, "externalId" text, fingerprint text,
          type text, sender text, recipient text, body text, title text, app text, "simSlot" integer, "threadKey" text, priority text,
          tags text[], metadata jsonb, attachments jsonb, "receivedAt" timestamptz, "sentAt" timestamptz)
    ),
    counter as (
      insert into change_counters (user_id, stream, position) values ($2, 'messages', $3)
      on conflict (user_id, stream) do update set position = change_counters.position + excluded.position
      returning position - $3::bigint as base
    ),
    inserted as (
      insert into messages (id, user_id, device_id, source, external_id, fingerprint, type, sender, recipient, body, title, app,
        sim_slot, thread_key, priority, tags, metadata, attachments, received_at, sent_at, change_position)
      select r.id, r."userId", r."deviceId", r.source, r."externalId", r.fingerprint, r.type, r.sender, r.recipient, r.body, r.title, r.app,
        r."simSlot", r."threadKey", r.priority, r.tags, r.metadata, r.attachments, r."receivedAt", r."sentAt", counter.base + r.n
      from batch r, counter
      order by r.n
      on conflict do nothing
      returning ${returningColumns}
    ),
    events as (
      insert into outbox_events (id, type, user_id, data)
      select r."eventId", 'message.received', i."userId",
        jsonb_build_object('messageId', i.id, 'deviceId', i."deviceId", 'source', i.source, 'type', i.type, 'priority', i.priority, 'position', i."changePosition")
      from inserted i join batch r on r.id = i.id
    )
    select * from inserted`;

async function insertSkippingDuplicates(db: Database, userId: string, rows: NewRow[]): Promise<MessageRow[]> {
  const payload = JSON.stringify(rows.map((row) => ({ ...row, receivedAt: row.receivedAt.toISOString(), sentAt: row.sentAt?.toISOString() ?? null })));
  // A named statement: each connection parses and plans it once, not on every request.
  const name = await statementName(db, "ingest_messages");
  const result = await db.$client.query<MessageRow>({ name, text: INGEST_STATEMENT, values: [payload, userId, rows.length] });
  // Dates as drizzle's selects give them, whatever timestamp parser the pool has.
  return result.rows.map((row) => ({
    ...row,
    receivedAt: new Date(row.receivedAt),
    sentAt: row.sentAt === null ? null : new Date(row.sentAt),
    readAt: row.readAt === null ? null : new Date(row.readAt),
    deletedAt: row.deletedAt === null ? null : new Date(row.deletedAt),
    expiredAt: row.expiredAt === null ? null : new Date(row.expiredAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  }));
}

function dedupeKey(row: { externalId: string | null; fingerprint: string }): string {
  return row.externalId !== null ? `x:${row.externalId}` : `f:${row.fingerprint}`;
}

/** The stored rows that the skipped inputs collided with, keyed like dedupeKey(). */
async function readStored(db: Database, userId: string, deviceId: string | null, skipped: Array<{ externalId: string | null; fingerprint: string }>): Promise<Map<string, MessageRow>> {
  const externalIds = skipped.flatMap((row) => (row.externalId !== null ? [row.externalId] : []));
  const fingerprints = skipped.flatMap((row) => (row.externalId === null ? [row.fingerprint] : []));
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .where(
      and(
        eq(messages.userId, userId),
        // The same expression as the dedupe indexes, so they serve this lookup.
        sql`coalesce(${messages.deviceId}, '') = ${deviceId ?? ""}`,
        or(
          externalIds.length > 0 ? inArray(messages.externalId, externalIds) : undefined,
          fingerprints.length > 0 ? and(isNull(messages.externalId), inArray(messages.fingerprint, fingerprints)) : undefined,
        ),
      ),
    );
  return new Map(rows.map((row) => [dedupeKey(row), row]));
}

/** When this process last recorded each device as seen, so a busy device costs no statement per request. */
const lastMarked = new Map<string, number>();
const MARK_EVERY_MS = 30_000;

/** A device that forwards is alive; record it at most twice a minute (the where makes a write rare across instances too). */
async function markSeen(db: Database, userId: string, deviceId: string): Promise<void> {
  const now = Date.now();
  if (now - (lastMarked.get(deviceId) ?? 0) < MARK_EVERY_MS) return;
  if (lastMarked.size > 10_000) lastMarked.clear();
  lastMarked.set(deviceId, now);
  await db
    .update(devices)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(devices.id, deviceId), eq(devices.userId, userId), sql`(${devices.lastSeenAt} is null or ${devices.lastSeenAt} < now() - interval '30 seconds')`));
}
