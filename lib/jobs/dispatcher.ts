import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { getDb, type Database, type Tx } from "@/lib/db/client";
import { outboxDeliveries, outboxEvents } from "@/lib/db/schema/platform";
import { enqueueInTx, getBoss, jobIdFor, settleEach, startWorker, wakeWorkers, type JobRegistrar } from "@/lib/jobs/boss";
import { getConfig } from "@/lib/config/env";
import { getLogger } from "@/lib/log/logger";

/**
 * The outbox dispatcher: turns committed outbox events into one pg-boss job
 * per interested consumer, and runs those jobs.
 *
 *   domain tx: change + recordEvent()  →  commit  →  kickDispatcher()
 *   dispatcher tx: claim pending events (FOR UPDATE SKIP LOCKED), insert one
 *     job per (event, consumer), mark the events dispatched  →  commit
 *   consumer job tx: insert (event, consumer) into outbox_deliveries, run the
 *     consumer's handle()  →  commit  →  its after-commit step
 *
 * The jobs are inserted in the dispatcher's own transaction, so a crash at
 * any point either leaves an event pending (dispatched again later) or leaves
 * it dispatched with its jobs in the queue: nothing is lost and no job is
 * created twice. pg-boss runs a job at least once; the outbox_deliveries row,
 * written in the consumer's transaction, makes the consumer's effects happen
 * once. See lib/jobs/README.md.
 */
export type DispatchedEvent = {
  id: string;
  type: string;
  userId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
};

/** What the dispatcher knows of an event when it decides which consumers get a job. */
export type ClaimedEvent = Pick<DispatchedEvent, "id" | "type" | "userId" | "data">;

/** Work a consumer wants done after its transaction commits (realtime publish, a kick). */
export type AfterCommit = () => Promise<void> | void;

export type OutboxConsumer = {
  /** Lower-case letters, digits and hyphens; the consumer's queue is `outbox-<name>`. */
  name: string;
  /** Event types it handles, or "*" for every type. */
  types: readonly string[] | "*";
  /**
   * Runs inside the consumer's dedupe transaction: write rows and enqueue
   * follow-up jobs on `tx` (jobsIn(tx)); never make network calls here. It
   * runs at most once per event that commits.
   */
  handle: (tx: Tx, event: DispatchedEvent, context: { boss: PgBoss }) => Promise<AfterCommit | void>;
  /**
   * Optional: which events of a claimed batch this consumer has work for,
   * decided in the dispatcher's transaction. An event left out gets no job
   * for this consumer, so a message nobody subscribed to costs no jobs. It
   * may leave out only events handle() would do nothing for.
   */
  relevant?: (tx: Tx, events: readonly ClaimedEvent[]) => Promise<ReadonlySet<string>>;
  /** pg-boss retries of a failing job (default 10, backing off from 5 s). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** How long a job may stay active before pg-boss counts it as crashed (default 300 s). */
  expireInSeconds?: number;
};

export const DISPATCH_QUEUE = "outbox-dispatch";
export const OUTBOX_RETENTION_QUEUE = "outbox-retention";

export function consumerQueue(consumer: Pick<OutboxConsumer, "name">): string {
  return `outbox-${consumer.name}`;
}

function wants(consumer: OutboxConsumer, type: string): boolean {
  return consumer.types === "*" || consumer.types.includes(type);
}

/**
 * Narrows which events a dispatcher claims. Production leaves it empty (every
 * pending event); tests set it so test files sharing a database never claim
 * each other's events.
 */
export type DispatchScope = { eventIds?: readonly string[]; types?: readonly string[] };

export type DispatchOptions = DispatchScope & {
  consumers: readonly OutboxConsumer[];
  boss?: PgBoss;
  /** Events claimed per transaction. */
  limit?: number;
  /**
   * Called inside the claim transaction after the jobs are inserted and before
   * the commit. Throwing aborts the batch exactly as a crash would: tests use
   * it to kill the dispatcher mid-way.
   */
  afterClaim?: (eventIds: string[]) => Promise<void> | void;
};

export type DispatchResult = { events: number; jobs: number };

/** Claims one batch of pending events and turns them into jobs. Returns what it dispatched. */
export async function dispatchPending(db: Database, options: DispatchOptions): Promise<DispatchResult> {
  const boss = options.boss ?? getBoss();
  if (!boss) throw new Error("The job runner is not started; cannot dispatch outbox events");
  const limit = options.limit ?? 100;
  if (options.eventIds && options.eventIds.length === 0) return { events: 0, jobs: 0 };
  if (options.types && options.types.length === 0) return { events: 0, jobs: 0 };

  const queues = new Set<string>();
  const result = await db.transaction(async (tx) => {
    // SKIP LOCKED: concurrent dispatchers (several worker instances) take
    // disjoint batches instead of queueing behind each other.
    const claimed = await tx
      .select({ id: outboxEvents.id, type: outboxEvents.type, userId: outboxEvents.userId, data: outboxEvents.data })
      .from(outboxEvents)
      .where(
        and(
          isNull(outboxEvents.dispatchedAt),
          options.eventIds ? inArray(outboxEvents.id, [...options.eventIds]) : undefined,
          options.types ? inArray(outboxEvents.type, [...options.types]) : undefined,
        ),
      )
      .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (claimed.length === 0) return { events: 0, jobs: 0 };

    const events = claimed.map((event) => ({ ...event, data: event.data as Record<string, unknown> }));
    const relevant = new Map<OutboxConsumer, ReadonlySet<string>>();
    for (const consumer of options.consumers) {
      const wanted = events.filter((event) => wants(consumer, event.type));
      if (consumer.relevant && wanted.length > 0) relevant.set(consumer, await consumer.relevant(tx, wanted));
    }
    const jobs: PgBoss.JobInsert[] = [];
    for (const event of events) {
      for (const consumer of options.consumers) {
        if (!wants(consumer, event.type)) continue;
        if (relevant.get(consumer)?.has(event.id) === false) continue;
        const queue = consumerQueue(consumer);
        queues.add(queue);
        const key = `${event.id}:${consumer.name}`;
        jobs.push({
          id: jobIdFor(key),
          name: queue,
          data: { eventId: event.id, type: event.type },
          singletonKey: key,
          retryLimit: consumer.retryLimit ?? 10,
          retryDelay: consumer.retryDelaySeconds ?? 5,
          retryBackoff: true,
          expireInSeconds: consumer.expireInSeconds ?? 300,
        });
      }
    }
    // A missing queue throws, so the events stay pending rather than lost.
    await enqueueInTx(tx, boss, jobs);
    const ids = claimed.map((event) => event.id);
    await options.afterClaim?.(ids);
    await tx.update(outboxEvents).set({ dispatchedAt: sql`now()` }).where(inArray(outboxEvents.id, ids));
    return { events: claimed.length, jobs: jobs.length };
  });
  for (const queue of queues) wakeWorkers(queue);
  return result;
}

export type ConsumeOutcome = "handled" | "duplicate" | "missing";

/**
 * Runs one consumer on one event, at most once: the outbox_deliveries row and
 * the consumer's effects commit together. A second run (pg-boss retrying a
 * job whose worker died after the commit) finds the row and does nothing. If
 * handle() throws, nothing commits and the job's retry runs it again.
 */
export async function runConsumer(db: Database, consumer: OutboxConsumer, eventId: string, context: { boss?: PgBoss } = {}): Promise<ConsumeOutcome> {
  const boss = context.boss ?? getBoss();
  if (!boss) throw new Error("The job runner is not started; cannot run outbox consumers");
  let after: AfterCommit | void = undefined;
  const outcome = await db.transaction(async (tx): Promise<ConsumeOutcome> => {
    const [event] = await tx.select().from(outboxEvents).where(eq(outboxEvents.id, eventId));
    // Deleted by retention long after dispatch: nothing left to do.
    if (!event) return "missing";
    // Concurrent runs of the same job block here on the primary key until the
    // first commits (then conflict) or rolls back (then proceed).
    const [claim] = await tx.insert(outboxDeliveries).values({ eventId, consumer: consumer.name }).onConflictDoNothing().returning();
    if (!claim) return "duplicate";
    after = await consumer.handle(
      tx,
      { id: event.id, type: event.type, userId: event.userId, data: event.data as Record<string, unknown>, createdAt: event.createdAt },
      { boss },
    );
    return "handled";
  });
  if (outcome === "handled" && after) await (after as AfterCommit)();
  return outcome;
}

const STATE_KEY = Symbol.for("message-hub.dispatcher");
type DispatcherState = { boss: PgBoss; wake?: () => void };
type Holder = { [STATE_KEY]?: DispatcherState };

/**
 * Call after a transaction that recorded outbox events has committed, so they
 * go out now rather than at the next poll. Never throws and never needs to be
 * awaited; the poll is the safety net if the kick is lost.
 *
 * On an instance that runs the dispatcher it wakes the local loop; on a web
 * instance it sends a debounced job that a worker instance picks up.
 */
export async function kickDispatcher(): Promise<void> {
  const state = (globalThis as Holder)[STATE_KEY];
  if (!state || state.boss !== getBoss()) return;
  if (state.wake) {
    state.wake();
    return;
  }
  try {
    await state.boss.sendDebounced(DISPATCH_QUEUE, {}, { retryLimit: 0, expireInSeconds: 60 }, 1, "kick");
  } catch (error) {
    getLogger().warn({ err: error }, "could not kick the outbox dispatcher; the next poll will dispatch");
  }
}

export type DispatcherJobsOptions = {
  consumers: readonly OutboxConsumer[];
  /** Default OUTBOX_POLL_INTERVAL_MS. */
  pollIntervalMs?: number;
  batchSize?: number;
  scope?: DispatchScope;
  afterClaim?: DispatchOptions["afterClaim"];
};

/**
 * The dispatcher's JobRegistrar. Every instance creates the queues (web
 * instances send to them); worker instances also run the dispatch loop and
 * the consumers' workers.
 */
export function dispatcherJobs(options: DispatcherJobsOptions): JobRegistrar {
  for (const consumer of options.consumers) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(consumer.name)) throw new Error(`Invalid outbox consumer name: ${consumer.name}`);
  }
  return async (boss, { runWorkers }) => {
    await boss.createQueue(DISPATCH_QUEUE);
    await boss.createQueue(OUTBOX_RETENTION_QUEUE);
    await boss.schedule(OUTBOX_RETENTION_QUEUE, "17 3 * * *", {}, { tz: "UTC", retryLimit: 2 });
    for (const consumer of options.consumers) {
      await boss.createQueue(consumerQueue(consumer), {
        name: consumerQueue(consumer),
        retryLimit: consumer.retryLimit ?? 10,
        retryDelay: consumer.retryDelaySeconds ?? 5,
        retryBackoff: true,
        expireInSeconds: consumer.expireInSeconds ?? 300,
      });
    }
    const state: DispatcherState = { boss };
    (globalThis as Holder)[STATE_KEY] = state;
    if (!runWorkers) return;

    const log = getLogger();
    const drain = async (): Promise<void> => {
      const batch = options.batchSize ?? 100;
      for (;;) {
        const result = await dispatchPending(getDb(), { ...options.scope, consumers: options.consumers, boss, limit: batch, afterClaim: options.afterClaim });
        if (result.events > 0) log.debug(result, "outbox events dispatched");
        if (result.events < batch) return;
      }
    };

    for (const consumer of options.consumers) {
      await startWorker<{ eventId: string }>(boss, consumerQueue(consumer), { batchSize: 20, pollingIntervalSeconds: 1 }, async (jobs) => {
        await settleEach(boss, consumerQueue(consumer), jobs, (job) => runConsumer(getDb(), consumer, job.data.eventId, { boss }));
      });
    }
    // A kick from a web instance.
    await startWorker(boss, DISPATCH_QUEUE, { pollingIntervalSeconds: 1 }, drain);
    await startWorker(boss, OUTBOX_RETENTION_QUEUE, {}, async () => {
      const deleted = await pruneOutbox(getDb(), { olderThanDays: getConfig().OUTBOX_RETENTION_DAYS });
      log.info({ deleted }, "old outbox events deleted");
    });

    const loop = startLoop(drain, options.pollIntervalMs ?? getConfig().OUTBOX_POLL_INTERVAL_MS, (error) => log.error({ err: error }, "outbox dispatch failed; retrying at the next poll"));
    state.wake = loop.wake;
    boss.once("stopped", () => {
      state.wake = undefined;
      void loop.stop();
    });
  };
}

/**
 * Deletes dispatched events older than the retention period (their
 * outbox_deliveries rows go with them). By then every consumer job has long
 * finished or given up; a late retry finds no event and does nothing.
 */
export async function pruneOutbox(db: Database, options: { olderThanDays: number; now?: Date }): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.olderThanDays * 86_400_000);
  const deleted = await db
    .delete(outboxEvents)
    .where(and(isNotNull(outboxEvents.dispatchedAt), lt(outboxEvents.dispatchedAt, cutoff)))
    .returning({ id: outboxEvents.id });
  return deleted.length;
}

type Loop = { wake: () => void; stop: () => Promise<void> };

/** Runs `run` now, then after every interval or wake-up, one run at a time. */
function startLoop(run: () => Promise<void>, intervalMs: number, onError: (error: unknown) => void): Loop {
  let stopped = false;
  let woken = false;
  let interrupt: (() => void) | undefined;
  const done = (async () => {
    while (!stopped) {
      woken = false;
      try {
        await run();
      } catch (error) {
        if (!stopped) onError(error);
      }
      if (stopped) break;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        timer.unref();
        interrupt = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      interrupt = undefined;
    }
  })();
  return {
    wake() {
      woken = true;
      interrupt?.();
    },
    async stop() {
      stopped = true;
      interrupt?.();
      await done;
    },
  };
}
