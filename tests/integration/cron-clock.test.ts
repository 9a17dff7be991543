import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { cronClockOptions, startJobs } from "@/lib/jobs/boss";
import { startCronClock } from "@/server/cron-clock";
import { createPrivateDatabase } from "@/tests/helpers/private-database";
import { waitFor } from "@/tests/helpers/wait";

/** The cron clock: pg-boss's schedule watcher, on a thread of its own (server/cron-clock.ts). */
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function capturingLogger(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe("the cron clock", () => {
  it("turns a due cron tick into a job from its own thread, while the process's instance watches no schedule", { timeout: 60_000 }, async () => {
    const database = await createPrivateDatabase();
    cleanups.push(database.drop);
    const queue = "test.cron-clock";
    // Queues and schedules are set up by the process's instance, as the server does; it runs no workers, so the job stays queued.
    const boss = await startJobs(database.url, {
      runWorkers: false,
      registrars: [
        async (b) => {
          await b.createQueue(queue);
          await b.schedule(queue, "* * * * *", { from: "cron" }, { tz: "UTC" });
        },
      ],
    });
    cleanups.push(() => boss.stop({ graceful: false, wait: true, timeout: 5_000 }));
    const jobs = async () => (await database.handle.pool.query<{ data: { from: string } }>("select data from pgboss.job where name = $1", [queue])).rows;

    // Without the clock, nothing looks at the schedules: pg-boss stamps its
    // version row on every look (the first comes right after start).
    const lookedAt = async () => (await database.handle.pool.query<{ cron_on: Date | null }>("select cron_on from pgboss.version")).rows[0]?.cron_on ?? null;
    await sleep(1_000);
    expect(await lookedAt()).toBeNull();
    expect(await jobs()).toEqual([]);

    const { log, lines } = capturingLogger();
    const clock = await startCronClock(cronClockOptions(database.url), log);
    const deadline = Date.now() + 30_000;
    while ((await jobs()).length === 0) {
      if (Date.now() > deadline) throw new Error("the cron clock did not enqueue the due tick within 30 s");
      await sleep(250);
    }
    // One job per minute's tick: a second one may land if a minute turned meanwhile.
    const enqueued = await jobs();
    expect(enqueued.length).toBeLessThanOrEqual(2);
    for (const job of enqueued) expect(job).toEqual({ data: { from: "cron" } });
    expect(await lookedAt()).not.toBeNull();

    await clock.stop(5_000);
    // Stopped means its connections are closed too. A backend leaves
    // pg_stat_activity a moment after its client hangs up (longer on a
    // loaded machine), so this waits a bounded while; a leaked pool would stay.
    const cronConnections = async () => (await database.handle.pool.query("select 1 from pg_stat_activity where application_name = 'message-hub-cron'").catch(() => ({ rows: [] }))).rows.length;
    await waitFor(async () => (await cronConnections()) === 0, 10_000, 100, cronConnections);
    expect(await cronConnections()).toBe(0);
    expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
  });

  it("starts a thread that dies again, logging why, and stops cleanly after", async () => {
    // A stand-in thread that says it started; the first one then exits with code 3, the next one stays up until told to stop.
    const dir = mkdtempSync(path.join(os.tmpdir(), "mh-cron-"));
    const marker = path.join(dir, "died-once");
    const script = path.join(dir, "thread.mjs");
    writeFileSync(
      script,
      `import { existsSync, writeFileSync } from "node:fs";
       import { parentPort } from "node:worker_threads";
       parentPort.postMessage({ type: "started" });
       if (!existsSync(${JSON.stringify(marker)})) { writeFileSync(${JSON.stringify(marker)}, ""); process.exit(3); }
       parentPort.on("message", (m) => { if (m.type === "stop") { parentPort.postMessage({ type: "stopped" }); parentPort.close(); } });`,
    );
    const { log, lines } = capturingLogger();
    const clock = await startCronClock({}, log, { restartDelayMs: 50, script: pathToFileURL(script) });
    const deadline = Date.now() + 10_000;
    while (!lines.some((line) => line.msg === "cron clock exited; starting it again")) {
      if (Date.now() > deadline) throw new Error("no restart logged");
      await sleep(20);
    }
    expect(lines.find((line) => line.msg === "cron clock exited; starting it again")).toMatchObject({ level: 50, code: 3 });
    await sleep(500); // the second thread is up
    const stopped = Date.now();
    await clock.stop(5_000);
    // It answered the stop message rather than being ended at the deadline.
    expect(Date.now() - stopped).toBeLessThan(3_000);
    expect(lines.filter((line) => line.msg === "cron clock exited; starting it again")).toHaveLength(1);
  });
});
