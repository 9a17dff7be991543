import { getDb } from "@/lib/db/client";
import { settleEach, startWorker, type JobRegistrar } from "@/lib/jobs/boss";
import { getLogger } from "@/lib/log/logger";
import { CHANNEL_QUEUE, deliverChannel, type ChannelJob } from "@/lib/notifications/deliver";
import { detectOfflineDevices } from "@/lib/notifications/device-offline";
import { runDigests } from "@/lib/notifications/digest";

export const DIGEST_QUEUE = "notification-digests";
export const OFFLINE_QUEUE = "device-offline-check";

/** The notifications feature's queues, workers and the digest tick (registered in server/features.ts). */
export const notificationJobs: JobRegistrar = async (boss, { runWorkers }) => {
  await boss.createQueue(CHANNEL_QUEUE, { name: CHANNEL_QUEUE, retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 });
  await boss.createQueue(DIGEST_QUEUE, { name: DIGEST_QUEUE, retryLimit: 1, expireInSeconds: 240 });
  // Every five minutes: each user's next digest instant is computed in their zone, so the tick itself is zone-free.
  await boss.schedule(DIGEST_QUEUE, "*/5 * * * *", {}, { tz: "UTC", retryLimit: 1 });
  await boss.createQueue(OFFLINE_QUEUE, { name: OFFLINE_QUEUE, retryLimit: 1, expireInSeconds: 120 });
  await boss.schedule(OFFLINE_QUEUE, "* * * * *", {}, { tz: "UTC", retryLimit: 1 });
  if (!runWorkers) return;
  await startWorker(boss, OFFLINE_QUEUE, {}, async () => {
    const recorded = await detectOfflineDevices(getDb());
    if (recorded > 0) getLogger().info({ recorded }, "devices went offline");
  });
  await startWorker(boss, DIGEST_QUEUE, {}, async () => {
    const result = await runDigests(getDb(), new Date(), boss);
    if (result.sent + result.empty > 0) getLogger().info(result, "digests run");
  });
  await startWorker<ChannelJob>(boss, CHANNEL_QUEUE, { batchSize: 10, pollingIntervalSeconds: 1 }, (jobs) =>
    settleEach(boss, CHANNEL_QUEUE, jobs, async (job) => {
      const result = await deliverChannel(getDb(), job.data.deliveryId);
      // Run early (a retry inside quiet hours): queue it again for when they end.
      if (result.outcome === "held") await boss.send(CHANNEL_QUEUE, job.data, { startAfter: result.until });
    }),
  );
};
