import { createHash } from "node:crypto";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { statementName, type Database } from "@/lib/db/client";
import { coalesce } from "@/lib/db/coalesce";
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
 * round trip, shared with the requests that arrive meanwhile: group commit,
 * below), whose three parts commit together:
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

  const inserted = await insertSkippingDuplicates(db, rows);
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
 * The whole write as one statement of data-modifying CTEs. The rows travel
 * as a single JSON parameter (not ~20 parameters per row), which keeps a
 * 500-row batch cheap to build, send and plan. One statement may carry the
 * rows of several requests and several users (group commit, below): each
 * user's counter moves by that user's row count, and the user's i-th row gets
 * position base + i, where base is the counter before this statement. The
 * counters are locked in user order, so two statements that share users
 * queue on the first one they share instead of deadlocking, and finish
 * before any message is inserted. ON CONFLICT DO NOTHING (any of the dedupe
 * indexes) skips duplicates, including duplicates within the statement;
 * their positions are simply never used. With `wait` false the counters are
 * first taken FOR UPDATE NOWAIT (see group commit, below).
 */
const ingestStatement = (wait: boolean) => `
    with batch as (
      select r.*, b.ordinality as n
      from jsonb_array_elements($1::jsonb) with ordinality as b(item, ordinality),
        jsonb_to_record(b.item) as r(id text, "eventId" text, "userId" text, "deviceId" text, source text, "externalId" text, fingerprint text,
          type text, sender text, recipient text, body text, title text, app text, "simSlot" integer, "threadKey" text, priority text,
          tags text[], metadata jsonb, attachments jsonb, "receivedAt" timestamptz, "sentAt" timestamptz)
    ),
    wanted as (
      select "userId", count(*)::bigint as count from batch group by 1
    ),${
      wait
        ? ""
        : `
    locked as (
      select user_id from change_counters where stream = 'messages' and user_id in (select "userId" from wanted)
      order by user_id for update nowait
    ),`
    }
    counter as (
      insert into change_counters (user_id, stream, position)
      select "userId", 'messages', count from wanted${wait ? "" : " where (select count(*) from locked) >= 0"} order by "userId"
      on conflict (user_id, stream) do update set position = change_counters.position + excluded.position
      returning user_id, position
    ),
    inserted as (
      insert into messages (id, user_id, device_id, source, external_id, fingerprint, type, sender, recipient, body, title, app,
        sim_slot, thread_key, priority, tags, metadata, attachments, received_at, sent_at, change_position)
      select r.id, r."userId", r."deviceId", r.source, r."externalId", r.fingerprint, r.type, r.sender, r.recipient, r.body, r.title, r.app,
        r."simSlot", r."threadKey", r.priority, r.tags, r.metadata, r.attachments, r."receivedAt", r."sentAt",
        c.position - w.count + row_number() over (partition by r."userId" order by r.n)
      from batch r join counter c on c.user_id = r."userId" join wanted w on w."userId" = r."userId"
      order by r."userId", r.n
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

/**
 * Group commit. One ingest statement runs at a time per process; the
 * requests that arrive meanwhile go together in the next one, so fifty
 * phones posting at once cost a few statements and commits, not fifty. A
 * request still gets its answer only after the statement carrying its rows
 * has committed.
 *
 * The shared statement takes its users' counter rows with NOWAIT: when a
 * counter is locked by a longer transaction (a bulk mark-read, retention),
 * it fails at once instead of holding everyone's requests behind one
 * user's lock. Its requests then run one by one with the statement that
 * waits, outside the queue (lib/db/coalesce.ts).
 */
const INGEST_STATEMENTS = 1;
const MAX_REQUESTS_PER_STATEMENT = 64;
const SHARED_UP_TO_ROWS = 20;
const SHARED = { name: "ingest_messages_nowait", text: ingestStatement(false) };
const ALONE = { name: "ingest_messages", text: ingestStatement(true) };
const ingestQueues = new WeakMap<Database, (rows: NewRow[]) => Promise<MessageRow[]>>();

function insertSkippingDuplicates(db: Database, rows: NewRow[]): Promise<MessageRow[]> {
  // A large batch is its own group: queued, it would only stop the next
  // statement from running beside it.
  if (rows.length > SHARED_UP_TO_ROWS) return insertRows(db, [rows], ALONE).then(([stored]) => stored!);
  let queue = ingestQueues.get(db);
  if (!queue) {
    queue = coalesce((requests: NewRow[][]) => insertRows(db, requests, SHARED), {
      concurrency: INGEST_STATEMENTS,
      maxBatch: MAX_REQUESTS_PER_STATEMENT,
      alone: async (request) => (await insertRows(db, [request], ALONE))[0]!,
    });
    ingestQueues.set(db, queue);
  }
  return queue(rows);
}

/** Inserts the rows of several requests in one statement; returns each request's newly stored rows. */
async function insertRows(db: Database, requests: NewRow[][], statement: { name: string; text: string }): Promise<MessageRow[][]> {
  const rows = requests.flat();
  const payload = JSON.stringify(rows.map((row) => ({ ...row, receivedAt: row.receivedAt.toISOString(), sentAt: row.sentAt?.toISOString() ?? null })));
  // A named statement: each connection parses and plans it once, not on every request.
  const name = await statementName(db, statement.name);
  const result = await db.$client.query<MessageRow>({ name, text: statement.text, values: [payload] });
  const byId = new Map<string, MessageRow>();
  for (const row of result.rows) {
    // Dates as drizzle's selects give them, whatever timestamp parser the pool has.
    byId.set(row.id, {
      ...row,
      receivedAt: new Date(row.receivedAt),
      sentAt: row.sentAt === null ? null : new Date(row.sentAt),
      readAt: row.readAt === null ? null : new Date(row.readAt),
      deletedAt: row.deletedAt === null ? null : new Date(row.deletedAt),
      expiredAt: row.expiredAt === null ? null : new Date(row.expiredAt),
      createdAt: new Date(row.createdAt),
      updatedAt: new Date(row.updatedAt),
    });
  }
  return requests.map((request) => request.flatMap((row) => byId.get(row.id) ?? []));
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
