import type pg from "pg";
import { startWorker, type JobRegistrar } from "@/lib/jobs/boss";
import { getLogger } from "@/lib/log/logger";

/**
 * The scheduler heartbeat: a cron job, once a minute, that does nothing but
 * complete. It travels the whole path every scheduled feature depends on
 * (cron monitor → pg-boss queue → a worker instance picks it up), so the
 * time of its last completion answers "is any worker running, and is cron
 * firing?" — the question a web/worker split makes easy to get wrong (web
 * replicas scaled up, the worker Deployment forgotten). /api/metrics exports
 * it as hub_jobs_heartbeat_last_success_timestamp_seconds.
 *
 * pg-boss guarantees the rest for every queue, this one included: a cron
 * tick is enqueued once however many workers watch the schedule (a
 * singleton slot per minute), and a job is fetched by one worker only
 * (SELECT … FOR UPDATE SKIP LOCKED). tests/system/scale.test.ts proves both
 * with two worker processes.
 */
export const HEARTBEAT_QUEUE = "hub.heartbeat";
export const HEARTBEAT_CRON = "* * * * *";

export const registerHeartbeat: JobRegistrar = async (boss, { runWorkers }) => {
  // Web instances neither schedule nor work; the queue is the workers' business.
  if (!runWorkers) return;
  // A missed beat is not worth retrying: the next minute brings another.
  await boss.createQueue(HEARTBEAT_QUEUE, { name: HEARTBEAT_QUEUE, retryLimit: 0, expireInSeconds: 60 });
  await boss.schedule(HEARTBEAT_QUEUE, HEARTBEAT_CRON, undefined, { tz: "UTC" });
  await startWorker(boss, HEARTBEAT_QUEUE, { pollingIntervalSeconds: 2 }, async (jobs) => {
    for (const job of jobs) getLogger().info({ queue: HEARTBEAT_QUEUE, jobId: job.id }, "scheduler heartbeat");
  });
};

/**
 * When a worker last completed a heartbeat, or null if none ever did (or the
 * job tables do not exist yet: no worker has ever started).
 */
export async function lastHeartbeatAt(pool: pg.Pool): Promise<Date | null> {
  const exists = await pool.query<{ present: boolean }>("select to_regclass('pgboss.job') is not null as present");
  if (!exists.rows[0]?.present) return null;
  const result = await pool.query<{ at: Date | null }>("select max(completed_on) as at from pgboss.job where name = $1 and state = 'completed'", [HEARTBEAT_QUEUE]);
  return result.rows[0]?.at ?? null;
}
