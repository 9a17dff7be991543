import { and, inArray, lt } from "drizzle-orm";
import { getConfig } from "@/lib/config/env";
import { getDb, type Queryable } from "@/lib/db/client";
import { webhookDeliveries } from "@/lib/db/schema/webhooks";
import { settleEach, startWorker, type JobRegistrar } from "@/lib/jobs/boss";
import { getLogger } from "@/lib/log/logger";
import { attemptDelivery } from "@/lib/webhooks/deliver";
import { DELIVERY_QUEUE, type DeliveryJob } from "@/lib/webhooks/deliveries";

/** The webhooks feature's queues, workers and schedules (registered in server/features.ts). */
export const RETENTION_QUEUE = "webhook-retention";

export const webhookJobs: JobRegistrar = async (boss, { runWorkers }) => {
  await boss.createQueue(DELIVERY_QUEUE, {
    name: DELIVERY_QUEUE,
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: Math.ceil(getConfig().WEBHOOK_TIMEOUT_MS / 1000) + 60,
  });
  await boss.createQueue(RETENTION_QUEUE);
  await boss.schedule(RETENTION_QUEUE, "41 3 * * *", {}, { tz: "UTC", retryLimit: 2 });
  if (!runWorkers) return;

  // Ten attempts in flight per worker instance: one slow endpoint (up to
  // WEBHOOK_TIMEOUT_MS) does not hold up the others in its batch for longer.
  await startWorker<DeliveryJob>(boss, DELIVERY_QUEUE, { batchSize: 10, pollingIntervalSeconds: 1 }, (jobs) =>
    settleEach(boss, DELIVERY_QUEUE, jobs, (job) => attemptDelivery(getDb(), job.data.deliveryId, { attempt: job.data.attempt, boss })),
  );
  await startWorker(boss, RETENTION_QUEUE, {}, async () => {
    const deleted = await pruneDeliveries(getDb(), { olderThanDays: getConfig().WEBHOOK_DELIVERY_RETENTION_DAYS });
    getLogger().info({ deleted }, "old webhook deliveries deleted");
  });
};

/** Deletes finished deliveries older than the retention period. Pending ones stay until they finish. */
export async function pruneDeliveries(db: Queryable, options: { olderThanDays: number; now?: Date }): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.olderThanDays * 86_400_000);
  const deleted = await db
    .delete(webhookDeliveries)
    .where(and(lt(webhookDeliveries.createdAt, cutoff), inArray(webhookDeliveries.status, ["succeeded", "failed", "cancelled"])))
    .returning({ id: webhookDeliveries.id });
  return deleted.length;
}
