import { metrics } from "@/lib/metrics/metrics";
import type { SyncStream } from "@/lib/sync/positions";

/**
 * Counts one served sync page for /api/metrics. The lag is how far behind
 * the client was: the age of the oldest change the page carried (by its
 * updatedAt; a tombstone without one does not count). An empty page means
 * the client was up to date, so it adds no lag sample.
 */
export function observeSyncPage(stream: SyncStream, changes: ReadonlyArray<object>, now = Date.now()): void {
  let oldest = Number.POSITIVE_INFINITY;
  for (const change of changes) {
    const at = "updatedAt" in change && typeof change.updatedAt === "string" ? Date.parse(change.updatedAt) : Number.NaN;
    if (at < oldest) oldest = at;
  }
  observeSyncCounts(stream, changes.length, oldest, now);
}

/** The same, for a page rendered elsewhere: how many changes it carried and the oldest one's updatedAt in ms (Infinity for none). */
export function observeSyncCounts(stream: SyncStream, count: number, oldestMs: number, now = Date.now()): void {
  const m = metrics();
  m.syncRequests.inc({ stream });
  if (count === 0) return;
  m.syncChanges.inc({ stream }, count);
  if (Number.isFinite(oldestMs)) m.syncLag.observe({ stream }, Math.max(0, (now - oldestMs) / 1000));
}
