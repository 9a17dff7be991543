import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
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
export async function syncMessagesJson(db: Queryable, userId: string, query: { since: number; limit: number; device?: string }): Promise<string> {
  const result = await db.execute<{ change: string; position: number; updatedMs: number }>(sql`
    select ${changeJson(sql`m`)}::text as change, m.change_position as position, (extract(epoch from m.updated_at) * 1000)::float8 as "updatedMs"
    from messages m
    where m.user_id = ${userId} and m.change_position > ${query.since} ${query.device ? sql`and m.device_id = ${query.device}` : sql``}
    order by m.change_position
    limit ${query.limit + 1}`);
  const rows = result.rows;
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  observeSyncCounts("messages", page.length, page.reduce((oldest, row) => Math.min(oldest, Number(row.updatedMs)), Number.POSITIVE_INFINITY));
  const cursor = encodeCursor(last ? Number(last.position) : query.since);
  return `{"changes":[${page.map((row) => row.change).join(",")}],"cursor":${JSON.stringify(cursor)},"hasMore":${hasMore}}`;
}

/** An ISO 8601 UTC timestamp with milliseconds, as Date.prototype.toISOString writes it. */
const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A message row as the JSON of toSyncChange(), key for key. `m` is the row's alias. */
export function changeJson(m: SQL): SQL {
  const c = (name: string) => sql`${m}.${sql.identifier(name)}`;
  return sql`json_build_object(
    'id', ${c("id")}, 'deviceId', ${c("device_id")}, 'source', ${c("source")}, 'externalId', ${c("external_id")}, 'type', ${c("type")},
    'sender', ${c("sender")}, 'recipient', ${c("recipient")}, 'body', ${c("body")}, 'title', ${c("title")}, 'app', ${c("app")},
    'simSlot', ${c("sim_slot")}, 'threadKey', ${c("thread_key")}, 'priority', ${c("priority")}, 'tags', ${c("tags")},
    'metadata', ${c("metadata")}, 'attachments', ${c("attachments")}, 'receivedAt', ${iso(c("received_at"))}, 'sentAt', ${iso(c("sent_at"))},
    'read', ${c("read_at")} is not null, 'readAt', ${iso(c("read_at"))}, 'deletedAt', ${iso(c("deleted_at"))}, 'position', ${c("change_position")},
    'createdAt', ${iso(c("created_at"))}, 'updatedAt', ${iso(c("updated_at"))}, 'deleted', ${c("deleted_at")} is not null)`;
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
