import type { JobRegistrar } from "@/lib/jobs/boss";
import { getDb } from "@/lib/db/client";
import { getLogger } from "@/lib/log/logger";
import { runRollup, snapshotDeviceStatus } from "@/lib/analytics/rollup";
import { startSystemSampler } from "@/lib/analytics/system";

/**
 * The analytics job: every ten minutes (and once at boot, which is the
 * backfill on a first run) it rolls up any closed day not rolled yet and
 * records the device-status snapshot for the hour. pg-boss runs one tick on
 * one worker; an advisory lock keeps an overlapping run from rolling the same
 * days twice.
 */
export const ANALYTICS_QUEUE = "hub.analytics-rollup";
export const ANALYTICS_CRON = "*/10 * * * *";

export async function runAnalyticsJob(now = new Date()) {
  const db = getDb();
  const rolled = await runRollup(db, now);
  await snapshotDeviceStatus(db, now);
  if (rolled.days > 0) getLogger().info({ queue: ANALYTICS_QUEUE, ...rolled }, rolled.backfilled ? "analytics backfilled" : "analytics rolled up");
  return rolled;
}

export const analyticsJobs: JobRegistrar = async (boss, { runWorkers }) => {
  // Every instance that serves HTTP samples its own request and socket metrics.
  startSystemSampler();
  if (!runWorkers) return;
  await boss.createQueue(ANALYTICS_QUEUE, { name: ANALYTICS_QUEUE, retryLimit: 3, retryDelay: 60, expireInSeconds: 30 * 60 });
  await boss.schedule(ANALYTICS_QUEUE, ANALYTICS_CRON, undefined, { tz: "UTC" });
  await boss.work(ANALYTICS_QUEUE, { pollingIntervalSeconds: 5 }, async (jobs) => {
    for (const _job of jobs) await runAnalyticsJob();
  });
  await boss.send(ANALYTICS_QUEUE, {}, { singletonKey: "boot", singletonSeconds: 60 });
};
