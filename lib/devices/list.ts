import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { devices } from "@/lib/db/schema/inbox";
import { AppError } from "@/lib/http/errors";
import { decodeListCursor, pageOf } from "@/lib/http/list-cursor";
import { encodeCursor } from "@/lib/sync/cursor";
import { preview } from "@/lib/messages/text";
import type { DeviceView } from "@/lib/devices/schemas";
import { deviceStatus } from "@/lib/devices/status";

type LastMessage = { id: string; type: string; sender: string; body: string; receivedAt: string };

// Both subqueries walk messages_device_idx (user, device, received_at) for live messages.
// The outer columns are written qualified: drizzle renders ${column} unqualified,
// which inside the subquery would bind to messages m.
const messageCount = sql<number>`(select count(*)::int from messages m where m.user_id = "devices"."user_id" and m.device_id = "devices"."id" and m.deleted_at is null)`;
// Walks messages_unread_idx (user, received_at) where unread and live.
const unreadCount = sql<number>`(select count(*)::int from messages m where m.user_id = "devices"."user_id" and m.device_id = "devices"."id" and m.read_at is null and m.deleted_at is null)`;
const lastMessage = sql<LastMessage | null>`(
  select json_build_object('id', m.id, 'type', m.type, 'sender', m.sender, 'body', left(m.body, 400), 'receivedAt', m.received_at)
  from messages m
  where m.user_id = "devices"."user_id" and m.device_id = "devices"."id" and m.deleted_at is null
  order by m.received_at desc, m.id desc
  limit 1
)`;

const fields = {
  id: devices.id,
  name: devices.name,
  platform: devices.platform,
  phoneNumber: devices.phoneNumber,
  model: devices.model,
  appVersion: devices.appVersion,
  battery: devices.battery,
  hasSigningSecret: sql<boolean>`${devices.signingSecret} is not null`,
  lastSeenAt: devices.lastSeenAt,
  revokedAt: devices.revokedAt,
  syncPosition: devices.syncPosition,
  syncAckedAt: devices.syncAckedAt,
  createdAt: devices.createdAt,
  updatedAt: devices.updatedAt,
  messageCount,
  unreadCount,
  lastMessage,
};

function selectDevices(db: Queryable) {
  return db.select(fields).from(devices);
}

type DeviceRow = Awaited<ReturnType<typeof selectDevices>>[number];

/** The API's view of a device. The signing secret is never in it, only whether one is set. */
function toDeviceView(row: DeviceRow, now = new Date()): DeviceView {
  return {
    id: row.id,
    name: row.name,
    platform: row.platform,
    phoneNumber: row.phoneNumber,
    model: row.model,
    appVersion: row.appVersion,
    battery: row.battery,
    hasSigningSecret: row.hasSigningSecret,
    status: deviceStatus(row.lastSeenAt, now),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    sync: { cursor: row.syncPosition === null ? null : encodeCursor(row.syncPosition), ackedAt: row.syncAckedAt?.toISOString() ?? null },
    messageCount: row.messageCount,
    unreadCount: row.unreadCount,
    lastMessage: row.lastMessage
      ? {
          id: row.lastMessage.id,
          type: row.lastMessage.type,
          sender: row.lastMessage.sender,
          preview: preview(row.lastMessage.body),
          receivedAt: new Date(row.lastMessage.receivedAt).toISOString(),
        }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The user's devices, newest first, with message and unread counts, last message and status. */
export async function listDevices(db: Queryable, userId: string, query: { limit: number; cursor?: string }): Promise<{ data: DeviceView[]; nextCursor: string | null; hasMore: boolean }> {
  let after: SQL | undefined;
  if (query.cursor) {
    const [id] = decodeListCursor(query.cursor, 1) ?? [];
    if (typeof id !== "string") throw new AppError("validation_failed", "The cursor is not one this list issued", { errors: [{ path: "query.cursor", message: "is not a cursor this list issued", code: "custom" }] });
    after = lt(devices.id, id);
  }
  const rows = await selectDevices(db)
    .where(and(eq(devices.userId, userId), after))
    .orderBy(desc(devices.id))
    .limit(query.limit + 1);
  const now = new Date();
  const page = pageOf(rows, query.limit, (row) => [row.id]);
  return { ...page, data: page.data.map((row) => toDeviceView(row, now)) };
}

/** One of the user's devices; another user's is a 404. */
export async function getDevice(db: Queryable, userId: string, id: string): Promise<DeviceView> {
  const [row] = await selectDevices(db)
    .where(and(eq(devices.userId, userId), eq(devices.id, id)))
    .limit(1);
  if (!row) throw new AppError("not_found", "Device not found");
  return toDeviceView(row);
}
