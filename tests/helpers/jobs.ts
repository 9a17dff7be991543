import type PgBoss from "pg-boss";
import { inject } from "vitest";
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
