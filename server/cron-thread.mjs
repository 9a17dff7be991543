// The cron clock's thread (started by server/cron-clock.ts): a pg-boss
// instance that only watches the cron schedules and turns due ticks into
// jobs. Plain JavaScript, because a worker thread does not inherit the
// TypeScript loader the server runs under.
import { parentPort, workerData } from "node:worker_threads";
import PgBoss from "pg-boss";

const port = parentPort;
if (!port) throw new Error("server/cron-thread.mjs runs as a worker thread");

const boss = new PgBoss(workerData.options);
// Errors are reported to the server's logger; a failed look is retried on the next interval.
boss.on("error", (error) => port.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) }));

port.on("message", (message) => {
  if (message?.type !== "stop") return;
  boss
    .stop({ graceful: true, wait: true, timeout: message.timeoutMs })
    .catch((error) => port.postMessage({ type: "error", message: `stopping: ${error instanceof Error ? error.message : String(error)}` }))
    .finally(() => {
      port.postMessage({ type: "stopped" });
      port.close();
    });
});

await boss.start();
port.postMessage({ type: "started" });
