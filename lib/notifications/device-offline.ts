import { and, eq, isNotNull, isNull, lt, notExists, sql } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { devices } from "@/lib/db/schema/inbox";
import { deviceOfflineNotices } from "@/lib/db/schema/notifications";
import { STALE_WITHIN_MS } from "@/lib/devices/status";
import { kickDispatcher } from "@/lib/jobs/dispatcher";
import { recordEvent } from "@/lib/jobs/outbox";
import { metrics } from "@/lib/metrics/metrics";

/**
 * Records a `device.offline` outbox event for each device whose last_seen_at
 * passed the offline threshold (lib/devices/status.ts), once per outage: the
 * notice row keyed by (device, last_seen_at) commits with the event.
 */
export async function detectOfflineDevices(db: Database, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - STALE_WITHIN_MS);
  const silent = await db
    .select({ id: devices.id, userId: devices.userId, name: devices.name, lastSeenAt: devices.lastSeenAt })
    .from(devices)
    .where(
      and(
        isNull(devices.revokedAt),
        isNotNull(devices.lastSeenAt),
        lt(devices.lastSeenAt, cutoff),
        notExists(db.select({ one: sql`1` }).from(deviceOfflineNotices).where(and(eq(deviceOfflineNotices.deviceId, devices.id), eq(deviceOfflineNotices.lastSeenAt, devices.lastSeenAt)))),
      ),
    )
    .limit(500);
  let recorded = 0;
  for (const device of silent) {
    const created = await db.transaction(async (tx) => {
      const [notice] = await tx.insert(deviceOfflineNotices).values({ deviceId: device.id, lastSeenAt: device.lastSeenAt! }).onConflictDoNothing().returning();
      if (!notice) return false;
      await recordEvent(tx, { type: "device.offline", userId: device.userId, data: { deviceId: device.id, name: device.name, lastSeenAt: device.lastSeenAt!.toISOString() } });
      return true;
    });
    if (created) recorded++;
  }
  if (recorded > 0) metrics().devicesWentOffline.inc(recorded);
  if (recorded > 0) void kickDispatcher();
  return recorded;
}
