import { Worker } from "node:worker_threads";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";

type FromThread = { type: "started" } | { type: "stopped" } | { type: "error"; message: string };

export type CronClock = { stop: (timeoutMs: number) => Promise<void> };

const THREAD_SCRIPT = new URL("./cron-thread.mjs", import.meta.url);

/**
 * Starts the cron clock on its own thread (server/cron-thread.mjs), with
 * the options of cronClockOptions(). Resolves once it watches the
 * schedules; rejects if it cannot start. A thread that dies later is
 * logged and started again, so the schedules keep firing.
 */
export async function startCronClock(
  options: PgBoss.ConstructorOptions,
  log: Logger,
  // How long after an unexpected exit the thread is started again; which script it runs (tests swap in one that dies).
  { restartDelayMs = 5_000, script = THREAD_SCRIPT }: { restartDelayMs?: number; script?: URL } = {},
): Promise<CronClock> {
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let worker: Worker;
  let alive = false;
  let stopped: (() => void) | undefined;

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      let started = false;
      alive = true;
      worker = new Worker(script, { workerData: { options }, name: "cron-clock" });
      worker.on("message", (message: FromThread) => {
        if (message.type === "started") {
          started = true;
          resolve();
        } else if (message.type === "stopped") {
          stopped?.();
        } else {
          log.warn({ error: message.message }, "cron clock error");
        }
      });
      worker.on("error", (error) => {
        if (!started) reject(error);
        else log.error({ err: error }, "cron clock failed");
      });
      worker.on("exit", (code) => {
        alive = false;
        stopped?.();
        if (!started) return reject(new Error(`the cron clock exited with code ${code} before it started`));
        if (stopping) return;
        log.error({ code, restartInMs: restartDelayMs }, "cron clock exited; starting it again");
        restartLater();
      });
    });
  const restartLater = () => {
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      launch().catch((error: unknown) => {
        log.error({ err: error, restartInMs: restartDelayMs }, "cron clock did not start again; trying again");
        restartLater();
      });
    }, restartDelayMs);
    restartTimer.unref();
  };

  await launch();
  return {
    async stop(timeoutMs) {
      stopping = true;
      clearTimeout(restartTimer);
      if (!alive) return;
      const done = new Promise<void>((resolve) => (stopped = resolve));
      worker.postMessage({ type: "stop", timeoutMs });
      // A thread that does not stop in time is ended.
      const deadline = setTimeout(() => void worker.terminate(), timeoutMs + 1_000);
      await done;
      clearTimeout(deadline);
    },
  };
}
