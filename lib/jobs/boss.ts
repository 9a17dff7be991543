import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import pg from "pg";
import PgBoss from "pg-boss";
import type { Queryable } from "@/lib/db/client";
import { getLogger } from "@/lib/log/logger";
import { metrics, timeJob } from "@/lib/metrics/metrics";
import { inSpan } from "@/lib/tracing/state";

/**
 * The job runner: pg-boss on the hub's own Postgres (PGlite included, through
 * its socket). Features register their queues and workers through
 * registerJobs(); the server starts it after migrations.
 */
const BOSS_KEY = Symbol.for("message-hub.boss");
type Holder = { [BOSS_KEY]?: PgBoss };

export function getBoss(): PgBoss | undefined {
  return (globalThis as Holder)[BOSS_KEY];
}

export function setBoss(boss: PgBoss | undefined): void {
  (globalThis as Holder)[BOSS_KEY] = boss;
}

/** A feature's jobs: queues it creates, workers it runs, schedules it keeps. */
export type JobRegistrar = (boss: PgBoss, options: { runWorkers: boolean }) => Promise<void>;

/** Fixed id of the advisory lock that serialises job setup across instances (see migrate.ts, setup.ts for its siblings). */
const JOBS_SETUP_LOCK_ID = 7_302_114_203;

/**
 * Starts pg-boss and runs every registrar. With `lockAcrossInstances` (any
 * shared Postgres) the whole setup runs under a cluster-wide advisory lock:
 * pg-boss creates each queue as a table partition, and two instances
 * creating different queues at the same moment deadlock on its queue table
 * (one boot then fails). Instances booting together take turns instead; the
 * lock is held for the setup only, a few hundred milliseconds.
 */
export async function startJobs(
  databaseUrl: string,
  options: { registrars: JobRegistrar[]; runWorkers: boolean; max?: number; lockAcrossInstances?: boolean },
): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: "pgboss",
    max: options.max ?? 4,
    application_name: "message-hub-jobs",
    // Only worker instances maintain; web instances only send. The cron
    // schedules are watched by a second instance on its own thread
    // (cronClockOptions, server/cron-clock.ts).
    supervise: options.runWorkers,
    schedule: false,
  });
  boss.on("error", () => {});
  const lock = options.lockAcrossInstances ? await takeSetupLock(databaseUrl) : undefined;
  try {
    await boss.start();
    // Set before the registrars run, so a worker loop a registrar starts finds it.
    setBoss(boss);
    for (const register of options.registrars) await register(boss, { runWorkers: options.runWorkers });
    // The queue the cron clock sends due ticks through, created here under
    // the setup lock like every other queue (the clock's own attempt then
    // finds it).
    if (options.runWorkers) await boss.createQueue(CRON_TICK_QUEUE);
  } finally {
    await lock?.release();
  }
  return boss;
}

/** pg-boss's queue of due cron ticks, which its cron watcher creates on start. */
const CRON_TICK_QUEUE = "__pgboss__send-it";

/**
 * The options of the pg-boss instance that watches the cron schedules, on a
 * worker instance's cron thread (server/cron-clock.ts). It only turns due
 * cron ticks into jobs; this process's instance runs them.
 *
 * It has a thread of its own because deciding which schedules are due is
 * synchronous and slow: pg-boss evaluates every cron expression on each look
 * (cron-parser over luxon, 1–4 ms each), so the hub's schedules took 20 ms
 * and more at a time, every 10–20 s, from whatever requests were in flight.
 */
export function cronClockOptions(databaseUrl: string): PgBoss.ConstructorOptions {
  return {
    connectionString: databaseUrl,
    schema: "pgboss",
    max: 2,
    application_name: "message-hub-cron",
    supervise: false,
    schedule: true,
    // The process's own instance has created the schema and the queues.
    migrate: false,
    // How often it looks for a due cron tick. pg-boss lets one look through
    // per interval across all workers, and timer jitter makes every other
    // look miss that gate, so a tick is seen within about two intervals: 10 s
    // keeps a minute cron (reminders, the heartbeat) within ~20 s of its
    // minute. Ticks enqueue once however many workers look (a singleton per
    // minute), so more looks cost a tiny UPDATE, never a duplicate.
    cronMonitorIntervalSeconds: 10,
  };
}

/** A session-level lock on its own connection; it also ends if this process dies. */
async function takeSetupLock(databaseUrl: string): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "message-hub-jobs-setup" });
  client.on("error", () => {});
  await client.connect();
  await client.query("select pg_advisory_lock($1)", [JOBS_SETUP_LOCK_ID]);
  return {
    async release() {
      await client.query("select pg_advisory_unlock($1)", [JOBS_SETUP_LOCK_ID]).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

/**
 * Lets pg-boss run its statements on a transaction of ours, so a job is
 * created if and only if the transaction commits:
 *
 *   await boss.insert([{ name, data }], { db: jobsIn(tx) });
 *
 * This is also what keeps the embedded database safe: the insert runs on the
 * connection that holds the transaction instead of waiting for a second one.
 */
export function jobsIn(db: Queryable): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const result = await db.execute(toSql(text, values));
      return { rows: result.rows as unknown[] as Record<string, unknown>[] };
    },
  };
}

/** pg-boss speaks `$1`-style SQL; drizzle numbers its own parameters, so each `$n` becomes a bound parameter. */
function toSql(text: string, values: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      if (parts[i]) chunks.push(sql.raw(parts[i]!));
    } else {
      const index = Number(parts[i]) - 1;
      if (index < 0 || index >= values.length) throw new Error(`pg-boss statement refers to $${parts[i]} but has ${values.length} values`);
      // sql.param keeps an array as one array parameter instead of expanding it into a list.
      chunks.push(sql`${sql.param(values[index])}`);
    }
  }
  return sql.join(chunks);
}

/**
 * A job id derived from a key (an RFC 9562 version 8 UUID over SHA-256).
 * pg-boss inserts with `on conflict do nothing`, so enqueueing the same key
 * twice while the first job is still in the queue creates one job.
 */
export function jobIdFor(key: string): string {
  const bytes = createHash("sha256").update(key).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const WORKERS_KEY = Symbol.for("message-hub.job-workers");
type WorkersHolder = { [WORKERS_KEY]?: Map<string, { boss: PgBoss; ids: string[] }> };

function localWorkers(): Map<string, { boss: PgBoss; ids: string[] }> {
  const holder = globalThis as WorkersHolder;
  holder[WORKERS_KEY] ??= new Map();
  return holder[WORKERS_KEY];
}

/** Batches whose jobs settleEach() already timed and counted one by one. */
const countedBatches = new WeakSet<object>();

/**
 * Starts a worker on a queue and remembers it, so wakeWorkers() can skip its
 * polling delay. A worker that fetched a full batch fetches again at once:
 * pg-boss would otherwise wait its polling interval after every batch, which
 * caps a busy queue at one batch per interval.
 *
 * It also feeds /api/metrics: each job is counted once, completed or failed,
 * with its duration (settleEach times jobs one by one; otherwise a batch
 * that throws fails all its jobs, and its time is shared among them).
 */
export async function startWorker<T extends object>(
  boss: PgBoss,
  queue: string,
  options: PgBoss.WorkOptions,
  handler: PgBoss.WorkHandler<T>,
): Promise<string> {
  let id = "";
  const batchSize = options.batchSize ?? 1;
  id = await boss.work<T>(queue, options, async (jobs) => {
    const started = performance.now();
    let outcome: "completed" | "failed" = "failed";
    try {
      const result = await inSpan(`pg-boss ${queue}`, { "messaging.system": "pg-boss", "messaging.destination.name": queue, "messaging.batch.message_count": jobs.length }, () => handler(jobs));
      outcome = "completed";
      if (jobs.length >= batchSize && id) boss.notifyWorker(id);
      return result;
    } finally {
      if (!countedBatches.has(jobs) && jobs.length > 0) {
        const m = metrics();
        const seconds = (performance.now() - started) / 1000 / jobs.length;
        m.jobsProcessed.inc({ queue, outcome }, jobs.length);
        for (let i = 0; i < jobs.length; i++) m.jobDuration.observe({ queue }, seconds);
      }
    }
  });
  const workers = localWorkers();
  const entry = workers.get(queue);
  if (entry && entry.boss === boss) entry.ids.push(id);
  else workers.set(queue, { boss, ids: [id] });
  return id;
}

/**
 * Tells this process's workers on `queue` to fetch now rather than at their
 * next poll. Only a latency optimisation: a worker elsewhere finds the job at
 * its next poll anyway.
 */
export function wakeWorkers(queue: string): void {
  const entry = localWorkers().get(queue);
  if (!entry || entry.boss !== getBoss()) return;
  for (const id of entry.ids) entry.boss.notifyWorker(id);
}

/**
 * Inserts jobs inside the caller's transaction (see jobsIn). pg-boss joins
 * each job to its queue and silently drops one whose queue does not exist;
 * this refuses that case, so a job is never lost to a missing queue. Fewer
 * rows than jobs is otherwise fine: a job with the same id is already queued.
 */
export async function enqueueInTx(db: Queryable, boss: PgBoss, jobs: PgBoss.JobInsert[]): Promise<void> {
  if (jobs.length === 0) return;
  const inserted = (await boss.insert(jobs, { db: jobsIn(db) })) ?? [];
  if (inserted.length >= jobs.length) return;
  const queues = [...new Set(jobs.map((job) => job.name))];
  const result = await db.execute(sql`select name from pgboss.queue where name in ${queues}`);
  const present = new Set(result.rows.map((row) => String((row as { name: string }).name)));
  const missing = queues.filter((queue) => !present.has(queue));
  if (missing.length > 0) throw new Error(`Job queue(s) not created: ${missing.join(", ")}. Create them in the feature's JobRegistrar.`);
}

/**
 * Runs each job of a batch on its own: a job that throws is failed (and
 * retried by pg-boss) alone, and the rest complete.
 */
export async function settleEach<T>(boss: PgBoss, queue: string, jobs: PgBoss.Job<T>[], run: (job: PgBoss.Job<T>) => Promise<unknown>): Promise<void> {
  countedBatches.add(jobs);
  const results = await Promise.allSettled(
    jobs.map((job) => timeJob(queue, () => inSpan(`job ${queue}`, { "messaging.system": "pg-boss", "messaging.message.id": job.id }, () => run(job)))),
  );
  const log = getLogger();
  for (const [index, result] of results.entries()) {
    if (result.status === "fulfilled") continue;
    const job = jobs[index]!;
    const error = result.reason as Error;
    log.warn({ err: error, queue, jobId: job.id }, "job failed; pg-boss will retry it");
    await boss.fail(queue, job.id, { message: error?.message ?? String(error), stack: error?.stack });
  }
}
