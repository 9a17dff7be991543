import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { changeCounters } from "@/lib/db/schema/platform";
import { devices, messages } from "@/lib/db/schema/inbox";
import { AppError } from "@/lib/http/errors";
import { decodeCursor, encodeCursor } from "@/lib/sync/cursor";
import { observeSyncPage } from "@/lib/sync/observe";
import type { MessageView } from "@/lib/messages/schemas";
import { messageColumns, toSyncChange } from "@/lib/messages/view";

/**
 * Delta sync of a user's messages, on the shared mechanism in lib/sync:
 * every change (creation, read state, tags, priority, soft delete) gave the
 * row a new position from the user's counter, committed in position order.
 * Paging `change_position > since` therefore yields every change once, in
 * order, and never skips one that commits later. A row changed twice shows
 * up once, at its latest position, with its latest state.
 */
export async function syncMessages(
  db: Queryable,
  userId: string,
  query: { since: number; limit: number; device?: string },
): Promise<{ changes: Array<MessageView & { deleted: boolean }>; cursor: string; hasMore: boolean }> {
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.userId, userId), gt(messages.changePosition, query.since), query.device ? eq(messages.deviceId, query.device) : undefined))
    .orderBy(asc(messages.changePosition))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  const changes = page.map(toSyncChange);
  observeSyncPage("messages", changes);
  return { changes, cursor: encodeCursor(last ? last.changePosition : query.since), hasMore };
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
