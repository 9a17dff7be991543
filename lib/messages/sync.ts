import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { statementName, type Database, type Queryable } from "@/lib/db/client";
import { changeCounters } from "@/lib/db/schema/platform";
import { devices, messages } from "@/lib/db/schema/inbox";
import { AppError } from "@/lib/http/errors";
import { decodeCursor, encodeCursor } from "@/lib/sync/cursor";
import { observeSyncCounts } from "@/lib/sync/observe";

/**
 * Delta sync of a user's messages, on the shared mechanism in lib/sync:
 * every change (creation, read state, tags, priority, soft delete) gave the
 * row a new position from the user's counter, committed in position order.
 * Paging `change_position > since` therefore yields every change once, in
 * order, and never skips one that commits later. A row changed twice shows
 * up once, at its latest position, with its latest state.
 *
 * Postgres renders each change as JSON (`changeJson`, the exact shape of
 * toSyncChange), and the page is spliced together as text: a phone catching
 * up pulls thousands of rows, and parsing them into objects only to
 * serialise them again was most of a page's cost.
 */
export async function syncMessagesJson(db: Database, userId: string, query: { since: number; limit: number; device?: string }): Promise<string[]> {
  const statement = query.device ? SYNC_BY_DEVICE : SYNC;
  // A named statement: each connection parses and plans it once (its JSON
  // rendering makes planning cost about a millisecond), not on every page.
  const result = await db.$client.query<{ change: string; position: string; updatedMs: number }>({
    name: await statementName(db, statement.name),
    text: statement.text(),
    values: query.device ? [userId, query.since, query.limit + 1, query.device] : [userId, query.since, query.limit + 1],
  });
  const rows = result.rows;
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  observeSyncCounts("messages", page.length, page.reduce((oldest, row) => Math.min(oldest, Number(row.updatedMs)), Number.POSITIVE_INFINITY));
  const cursor = encodeCursor(last ? Number(last.position) : query.since);
  return joinInChunks(
    page.map((row) => row.change),
    "{\"changes\":[",
    `],"cursor":${JSON.stringify(cursor)},"hasMore":${hasMore}}`,
  );
}

/** Below V8's large-object threshold (128 KB), with room for a row of two-byte text. */
const CHUNK_CHARS = 32 * 1024;

/**
 * `head + items.join(",") + tail`, as consecutive chunks of about CHUNK_CHARS
 * each rather than one string: a page of 500 changes is about 260 KB, and
 * one string of that size costs a large-object allocation at each step that
 * copies it (see TextResponse in lib/http/body.ts).
 */
export function joinInChunks(items: string[], head: string, tail: string): string[] {
  const chunks: string[] = [];
  let group: string[] = [];
  let size = 0;
  for (const item of items) {
    group.push(item);
    size += item.length;
    if (size >= CHUNK_CHARS) {
      chunks.push((chunks.length === 0 ? head : ",") + group.join(","));
      group = [];
      size = 0;
    }
  }
  if (group.length > 0 || chunks.length === 0) chunks.push((chunks.length === 0 ? head : ",") + group.join(",") + tail);
  else chunks[chunks.length - 1] += tail;
  return chunks;
}

/** The page query: $1 user, $2 since, $3 limit (one more than the page, to learn hasMore), $4 device. */
const syncStatement = (name: string, byDevice: boolean) => {
  let text: string | undefined;
  return {
    name,
    // Rendered on first use, from the same changeJson() the tests check key for key.
    text: () =>
      (text ??= `select ${new PgDialect().sqlToQuery(changeJson(sql`m`)).sql}::text as change, m.change_position as position,
        (extract(epoch from m.updated_at) * 1000)::float8 as "updatedMs"
      from messages m
      where m.user_id = $1 and m.change_position > $2${byDevice ? " and m.device_id = $4" : ""}
      order by m.change_position
      limit $3`),
  };
};
const SYNC = syncStatement("sync_messages", false);
const SYNC_BY_DEVICE = syncStatement("sync_messages_by_device", true);

/**
 * A message row as the JSON of toSyncChange(), key for key. `m` is the row's
 * alias. The object is concatenated as text, each value rendered by the
 * cheapest exact means (to_json escapes strings, jsonb and numbers print as
 * JSON already): json_build_object took about half again as long for a
 * 500-row page, most of a page's time in Postgres.
 */
export function changeJson(m: SQL): SQL {
  const c = (name: string) => sql`${m}.${sql.identifier(name)}`;
  /** A string, escaped, or null. */
  const str = (name: string) => sql`coalesce(to_json(${c(name)})::text, 'null')`;
  /** An ISO 8601 UTC timestamp with milliseconds, as Date.prototype.toISOString writes it, or null. */
  const iso = (name: string) => sql`coalesce('"' || to_char(${c(name)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')`;
  /** A number or boolean as it prints, or null. */
  const raw = (value: SQL) => sql`coalesce((${value})::text, 'null')`;
  const fields: Array<[string, SQL]> = [
    ["id", str("id")],
    ["deviceId", str("device_id")],
    ["source", str("source")],
    ["externalId", str("external_id")],
    ["type", str("type")],
    ["sender", str("sender")],
    ["recipient", str("recipient")],
    ["body", str("body")],
    ["title", str("title")],
    ["app", str("app")],
    ["simSlot", raw(c("sim_slot"))],
    ["threadKey", str("thread_key")],
    ["priority", str("priority")],
    ["tags", sql`to_json(${c("tags")})::text`],
    ["metadata", sql`${c("metadata")}::text`],
    ["attachments", sql`${c("attachments")}::text`],
    ["receivedAt", iso("received_at")],
    ["sentAt", iso("sent_at")],
    ["read", raw(sql`${c("read_at")} is not null`)],
    ["readAt", iso("read_at")],
    ["deletedAt", iso("deleted_at")],
    ["position", raw(c("change_position"))],
    ["createdAt", iso("created_at")],
    ["updatedAt", iso("updated_at")],
    ["deleted", raw(sql`${c("deleted_at")} is not null`)],
  ];
  const parts = fields.map(([key, value], i) => sql`${sql.raw(`'${i === 0 ? "{" : ","}"${key}":'`)}, ${value}`);
  return sql`concat(${sql.join(parts, sql`, `)}, '}')`;
}

/** The newest position of the user's message stream (0 before any change). */
export async function headPosition(db: Queryable, userId: string): Promise<number> {
  const [row] = await db
    .select({ position: changeCounters.position })
    .from(changeCounters)
    .where(and(eq(changeCounters.userId, userId), eq(changeCounters.stream, "messages")));
  return row?.position ?? 0;
}

export type SyncStatus = { deviceId: string; name: string; cursor: string | null; ackedAt: string | null; pendingChanges: number };

/** Each device's acknowledged cursor ("synced up to") and how many changes it has yet to fetch. */
export async function getSyncStatus(db: Queryable, userId: string, onlyDevice?: string): Promise<{ head: string; devices: SyncStatus[] }> {
  const head = await headPosition(db, userId);
  const rows = await db
    .select({
      id: devices.id,
      name: devices.name,
      syncPosition: devices.syncPosition,
      syncAckedAt: devices.syncAckedAt,
      pending: sql<number>`(select count(*)::int from ${messages} m where m.user_id = "devices"."user_id" and m.change_position > coalesce("devices"."sync_position", 0))`,
    })
    .from(devices)
    .where(and(eq(devices.userId, userId), onlyDevice ? eq(devices.id, onlyDevice) : undefined))
    .orderBy(desc(devices.createdAt), desc(devices.id));
  return {
    head: encodeCursor(head),
    devices: rows.map((row) => ({
      deviceId: row.id,
      name: row.name,
      cursor: row.syncPosition === null ? null : encodeCursor(row.syncPosition),
      ackedAt: row.syncAckedAt?.toISOString() ?? null,
      pendingChanges: row.pending,
    })),
  };
}

/** Stores a device's acknowledged cursor. Another user's device is a 404; a cursor ahead of the stream a 422. */
export async function ackSync(db: Queryable, userId: string, deviceId: string, cursor: string): Promise<SyncStatus> {
  const [device] = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.userId, userId), eq(devices.id, deviceId)))
    .limit(1);
  if (!device) throw new AppError("not_found", "Device not found");
  const position = decodeCursor(cursor);
  if (position === null) {
    throw new AppError("validation_failed", "The cursor is not one this server issued", { errors: [{ path: "body.cursor", message: "is not a cursor this server issued", code: "custom" }] });
  }
  if (position > (await headPosition(db, userId))) {
    throw new AppError("validation_failed", "The cursor is ahead of the message stream", { errors: [{ path: "body.cursor", message: "is ahead of the message stream", code: "custom" }] });
  }
  await db
    .update(devices)
    .set({ syncPosition: position, syncAckedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(devices.userId, userId), eq(devices.id, deviceId)));
  const status = await getSyncStatus(db, userId, deviceId);
  return status.devices[0]!;
}
