import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import type { Range } from "@/lib/analytics/range";
import { deviceStatusCounts } from "@/lib/analytics/rollup";
import { iso, rows } from "@/lib/analytics/db-rows";
import { deviceStatus } from "@/lib/devices/status";

/**
 * Devices: online, stale and offline over time (the hourly snapshots the
 * analytics job takes, plus a point for now when the range reaches today),
 * and each device's sync lag: how many of its owner's message changes it has
 * not acknowledged, and how old the oldest of them is. Each device row also
 * carries its message count and when its last message arrived, of what type.
 */
export async function devicesReport(db: Queryable, range: Range) {
  const now = range.now;
  const reachesNow = range.end.getTime() >= now.getTime();
  const [snapshots, current, lag] = await Promise.all([
    rows<{ at: Date | string; online: number; stale: number; offline: number }>(
      db,
      sql`select at, online, stale, offline from analytics_device_status where at >= ${range.start} and at < ${range.end} order by at`,
    ),
    rows<{ online: number; stale: number; offline: number }>(db, deviceStatusCounts(now)),
    rows<{
      id: string;
      name: string;
      platform: string | null;
      user: string;
      lastSeenAt: Date | string | null;
      syncPosition: number | string | null;
      syncAckedAt: Date | string | null;
      head: number | string;
      oldestUnsynced: Date | string | null;
      messages: number;
      lastMessageAt: Date | string | null;
      lastMessageType: string | null;
    }>(
      db,
      // The message count and the last message walk messages_device_idx (user, device, received_at) of live messages,
      // as the owner's device list does. Only the last message's time and type: an admin sees how a device is used,
      // not what its owner received.
      sql`select d.id, d.name, d.platform, u.name as user, d.last_seen_at as "lastSeenAt", d.sync_position as "syncPosition", d.sync_acked_at as "syncAckedAt",
          coalesce(c.position, 0) as head,
          case when d.sync_position is null then null else (
            select m.updated_at from messages m where m.user_id = d.user_id and m.change_position > d.sync_position order by m.change_position limit 1
          ) end as "oldestUnsynced",
          (select count(*)::int from messages m where m.user_id = d.user_id and m.device_id = d.id and m.deleted_at is null) as messages,
          last.received_at as "lastMessageAt", last.type as "lastMessageType"
        from devices d join users u on u.id = d.user_id
        left join change_counters c on c.user_id = d.user_id and c.stream = 'messages'
        left join lateral (
          select m.received_at, m.type from messages m
          where m.user_id = d.user_id and m.device_id = d.id and m.deleted_at is null
          order by m.received_at desc, m.id desc limit 1
        ) last on true
        where d.revoked_at is null
        order by d.last_seen_at desc nulls last, d.id
        limit 200`,
    ),
  ]);
  const status = snapshots.map((row) => ({ at: iso(row.at)!, online: row.online, stale: row.stale, offline: row.offline }));
  const counts = current[0]!;
  if (reachesNow) {
    const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000).toISOString();
    const last = status.at(-1);
    if (last && last.at === hour) status.pop();
    status.push({ at: now.toISOString(), ...counts });
  }
  const syncLag = lag.map((row) => {
    const lastSeen = row.lastSeenAt === null ? null : new Date(row.lastSeenAt);
    const synced = row.syncPosition === null ? null : Number(row.syncPosition);
    const behind = synced === null ? null : Math.max(0, Number(row.head) - synced);
    const oldest = row.oldestUnsynced === null ? null : new Date(row.oldestUnsynced);
    return {
      deviceId: row.id,
      device: row.name,
      platform: row.platform,
      user: row.user,
      status: deviceStatus(lastSeen, now),
      lastSeenAt: iso(lastSeen),
      syncAckedAt: iso(row.syncAckedAt),
      changesBehind: behind,
      lagSeconds: behind === null ? null : behind === 0 || !oldest ? 0 : Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)),
      messages: row.messages,
      lastMessageAt: iso(row.lastMessageAt),
      lastMessageType: row.lastMessageType,
    };
  });
  return {
    section: "devices" as const,
    from: range.from,
    to: range.to,
    generatedAt: now.toISOString(),
    summary: { ...counts, total: counts.online + counts.stale + counts.offline, syncing: syncLag.filter((d) => d.changesBehind !== null).length, behind: syncLag.filter((d) => (d.changesBehind ?? 0) > 0).length },
    charts: { status, syncLag },
  };
}
