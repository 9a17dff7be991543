import { sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { inject } from "vitest";
import type { Queryable } from "@/lib/db/client";
import { setBoss, startJobs, type JobRegistrar } from "@/lib/jobs/boss";

/**
 * Starts pg-boss for a test file, as the server does. Without workers it only
 * creates queues and accepts jobs, so the test drives the handlers itself
 * (dispatchPending, runConsumer, attemptDelivery) with a test clock.
 *
 * A file that runs workers (runWorkers: true) processes every job in its
 * queues, including other files' jobs: give it a private database
 * (tests/helpers/private-database.ts).
 */
export async function startTestJobs(options: { registrars: JobRegistrar[]; runWorkers?: boolean; databaseUrl?: string }): Promise<{ boss: PgBoss; stop: (options?: { graceful?: boolean }) => Promise<void> }> {
  const boss = await startJobs(options.databaseUrl ?? inject("databaseUrl"), { registrars: options.registrars, runWorkers: options.runWorkers ?? false, max: 3 });
  let stopped = false;
  return {
    boss,
    async stop(stopOptions = {}) {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: stopOptions.graceful ?? true, wait: true, timeout: 5000 });
      setBoss(undefined);
    },
  };
}

/**
 * Expires the jobs in `queues` that have been active for longer than
 * `olderThanSeconds`: the ones a killed instance abandoned. pg-boss would
 * expire them by itself, but only after their queue's expiry (minutes for
 * some queues), long after a test has given up. Handlers here finish in far
 * less than `olderThanSeconds`, so a job the live instance is running is left
 * alone.
 */
export async function expireAbandonedJobs(db: Queryable, boss: PgBoss, queues: string[], olderThanSeconds = 2): Promise<void> {
  await db.execute(sql`update pgboss.job set started_on = now() - interval '1 day' where state = 'active' and name in ${queues} and started_on < now() - make_interval(secs => ${olderThanSeconds})`);
  await boss.expire();
}
