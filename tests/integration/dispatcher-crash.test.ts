import { createHmac, randomUUID } from "node:crypto";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, setConfig } from "@/lib/config/env";
import { getDatabase, setDatabase, type DatabaseHandle } from "@/lib/db/client";
import { webhookDeliveries } from "@/lib/db/schema/webhooks";
import { outboxDeliveries, outboxEvents } from "@/lib/db/schema/platform";
import { consumerQueue, dispatcherJobs, kickDispatcher, type OutboxConsumer } from "@/lib/jobs/dispatcher";
import { recordEvents } from "@/lib/jobs/outbox";
import { webhooksConsumer } from "@/lib/webhooks/consumer";
import { DELIVERY_QUEUE } from "@/lib/webhooks/deliveries";
import { webhookJobs } from "@/lib/webhooks/jobs";
import { createWebhook } from "@/lib/webhooks/webhooks";
import { createUser } from "@/lib/users/users";
import { expireAbandonedJobs, startTestJobs } from "@/tests/helpers/jobs";
import { startReceiver } from "@/tests/helpers/webhook-receiver";
import { createPrivateDatabase } from "@/tests/helpers/private-database";
import { waitFor } from "@/tests/helpers/wait";

/**
 * The whole pipeline with real pg-boss workers, on a database of this file's
 * own: an instance is killed in the middle of dispatching, another starts,
 * and every event reaches every consumer exactly once.
 */
let privateDb: Awaited<ReturnType<typeof createPrivateDatabase>>;
let shared: DatabaseHandle;

beforeAll(async () => {
  shared = getDatabase();
  privateDb = await createPrivateDatabase();
  setDatabase(privateDb.handle);
});
afterAll(async () => {
  setDatabase(shared);
  await privateDb.drop();
});

const committed: string[] = [];
let crashAfterCommitOnce = true;

/** A consumer whose effect is "committed": recorded in the test once its transaction commits. */
function consumer(name: string, types: string[]): OutboxConsumer {
  return {
    name,
    types,
    // Short expiry and retry delay, so a job abandoned by the killed instance comes back quickly.
    expireInSeconds: 2,
    retryDelaySeconds: 1,
    async handle(tx, event) {
      await tx.execute(sql`select 1`);
      return () => {
        committed.push(`${event.id}:${name}`);
        // The process "dies" after the commit, before pg-boss marks the job done.
        if (name === "alpha" && crashAfterCommitOnce) {
          crashAfterCommitOnce = false;
          throw new Error("worker died after commit");
        }
      };
    },
  };
}
const consumers = [consumer("alpha", ["thing.created"]), consumer("beta", ["thing.created", "thing.updated"])];

async function counts(): Promise<{ handled: number; pending: number }> {
  const db = privateDb.handle.db;
  const [handled] = await db.select({ n: count() }).from(outboxDeliveries);
  const [pendingRow] = await db.select({ n: count() }).from(outboxEvents).where(sql`dispatched_at is null`);
  return { handled: handled!.n, pending: pendingRow!.n };
}

describe("outbox pipeline across a crash", () => {
  it("delivers each event exactly once to each consumer when the dispatcher is killed mid-way and restarted", async () => {
    const db = privateDb.handle.db;
    const ids = await db.transaction((tx) =>
      recordEvents(tx, [
        ...Array.from({ length: 15 }, (_, i) => ({ type: "thing.created", userId: null, data: { i } })),
        ...Array.from({ length: 15 }, (_, i) => ({ type: "thing.updated", userId: null, data: { i } })),
      ]),
    );

    // Instance A dispatches one batch, then dies while claiming the second:
    // that batch's transaction never commits.
    let batches = 0;
    let killed!: () => void;
    const died = new Promise<void>((resolve) => (killed = resolve));
    const instanceA = await startTestJobs({
      databaseUrl: privateDb.url,
      runWorkers: true,
      registrars: [
        dispatcherJobs({
          consumers,
          batchSize: 5,
          pollIntervalMs: 60_000,
          afterClaim: () => {
            batches++;
            if (batches === 2) {
              killed();
              throw new Error("instance A killed");
            }
          },
        }),
      ],
    });
    await died;
    // Give A's workers a moment on the first batch (one of alpha's jobs dies after its commit), then kill A hard.
    await waitFor(async () => committed.length >= 1, 5_000);
    await instanceA.stop({ graceful: false });
    const afterA = await counts();
    expect(afterA.pending).toBe(25);

    // Instance B starts from the database alone.
    const instanceB = await startTestJobs({ databaseUrl: privateDb.url, runWorkers: true, registrars: [dispatcherJobs({ consumers, batchSize: 5, pollIntervalMs: 60_000 })] });
    try {
      // 15 created events × 2 consumers + 15 updated events × 1 consumer.
      await waitFor(
        async () => {
          // Jobs A held when it died come back once they expire.
          await instanceB.boss.expire();
          return (await counts()).handled === 45;
        },
        20_000,
      );
      // Let any duplicate job run before counting (brought forward past its retry delay).
      await waitFor(async () => {
        await db.execute(sql`update pgboss.job set start_after = now() where name in ('outbox-alpha', 'outbox-beta') and state = 'retry' and start_after > now()`);
        return (await activeJobs()) === 0;
      }, 10_000);

      expect(await counts()).toEqual({ handled: 45, pending: 0 });
      const expected = [...ids.slice(0, 15).flatMap((id) => [`${id}:alpha`, `${id}:beta`]), ...ids.slice(15).map((id) => `${id}:beta`)].sort();
      expect([...committed].sort()).toEqual(expected);
      // The job whose worker died after its commit really ran twice; the second run changed nothing.
      const rerun = await db.execute(sql`select count(*)::int as n from pgboss.job where name = ${consumerQueue(consumers[0]!)} and retry_count > 0`);
      expect((rerun.rows[0] as { n: number }).n).toBeGreaterThanOrEqual(1);

      // A commit after which the caller kicks the dispatcher goes out at once, not at the next poll (60 s away).
      const [late] = await db.transaction((tx) => recordEvents(tx, [{ type: "thing.updated", userId: null, data: {} }]));
      const kicked = Date.now();
      await kickDispatcher();
      await waitFor(async () => committed.includes(`${late}:beta`), 5_000);
      expect(Date.now() - kicked).toBeLessThan(5_000);
    } finally {
      await instanceB.stop();
    }
  }, 120_000);
});

async function activeJobs(): Promise<number> {
  const result = await privateDb.handle.db.execute(sql`select count(*)::int as n from pgboss.job where name in ('outbox-alpha', 'outbox-beta') and state in ('created', 'retry', 'active')`);
  return (result.rows[0] as { n: number }).n;
}

describe("webhook channel across a crash", () => {
  it("POSTs each event exactly once to its endpoint when the dispatcher is killed mid-way and restarted", async () => {
    const db = privateDb.handle.db;
    const saved = getConfig();
    setConfig({ ...saved, WEBHOOK_ALLOW_PRIVATE_TARGETS: true });
    const receiver = await startReceiver();
    try {
      // Fresh addresses, so that a retry of this test does not meet the first attempt's users.
      const run = randomUUID().slice(0, 8);
      const alice = await createUser(db, { email: `alice-${run}@crash.test`, name: "Alice", password: "correct horse battery", role: "member" });
      const bob = await createUser(db, { email: `bob-${run}@crash.test`, name: "Bob", password: "correct horse battery", role: "member" });
      const { webhook, secret } = await createWebhook(db, { userId: alice.id, role: "member" }, { url: receiver.url, events: ["message.received"], scope: "user" });
      const ids = await db.transaction((tx) =>
        recordEvents(tx, [
          ...Array.from({ length: 12 }, (_, i) => ({ type: "message.received", userId: alice.id, data: { i } })),
          ...Array.from({ length: 3 }, (_, i) => ({ type: "message.received", userId: bob.id, data: { i } })),
        ]),
      );

      let batches = 0;
      let killed!: () => void;
      const died = new Promise<void>((resolve) => (killed = resolve));
      const instanceA = await startTestJobs({
        databaseUrl: privateDb.url,
        runWorkers: true,
        registrars: [
          dispatcherJobs({
            consumers: [webhooksConsumer],
            batchSize: 4,
            pollIntervalMs: 60_000,
            afterClaim: () => {
              if (++batches === 2) {
                killed();
                throw new Error("instance A killed");
              }
            },
          }),
          webhookJobs,
        ],
      });
      await died;
      await instanceA.stop({ graceful: false });

      // B is an ordinary instance: it polls every half second, so events that
      // its first pass could not claim (A's batch still rolling back) go out
      // at the next poll rather than a minute later.
      const instanceB = await startTestJobs({ databaseUrl: privateDb.url, runWorkers: true, registrars: [dispatcherJobs({ consumers: [webhooksConsumer], batchSize: 4, pollIntervalMs: 500 }), webhookJobs] });
      // A job A was running when it died stays active until its queue's expiry
      // (70 s for deliveries, 5 min for the consumer); bring that forward.
      const webhookQueues = [consumerQueue(webhooksConsumer), DELIVERY_QUEUE];
      const expireAbandoned = () => expireAbandonedJobs(db, instanceB.boss, webhookQueues);
      const bringRetriesForward = () => db.execute(sql`update pgboss.job set start_after = now() where name in ${webhookQueues} and state = 'retry' and start_after > now()`);
      // This attempt's rows only: a retry of the test finds the first attempt's rows in the database.
      const succeeded = async () => (await db.select({ n: count() }).from(webhookDeliveries).where(and(eq(webhookDeliveries.webhookId, webhook.id), eq(webhookDeliveries.status, "succeeded"))))[0]!.n;
      const state = async () => ({
        deliveries: (await db.execute(sql`select status, attempt, count(*)::int as n from webhook_deliveries where webhook_id = ${webhook.id} group by 1, 2 order by 1, 2`)).rows,
        undispatched: (await db.execute(sql`select count(*)::int as n from outbox_events where dispatched_at is null and id in ${ids}`)).rows,
        jobs: (await db.execute(sql`select name, state, retry_count, count(*)::int as n from pgboss.job where name in ${webhookQueues} group by 1, 2, 3 order by 1, 2, 3`)).rows,
        received: receiver.requests.length,
      });
      try {
        await waitFor(
          async () => {
            await expireAbandoned();
            await bringRetriesForward();
            return (await succeeded()) === 12;
          },
          30_000,
          50,
          state,
        );
        // Anything still queued would show up as an extra request. Jobs the
        // killed instance held wait out a retry delay; bring them forward.
        await waitFor(
          async () => {
            await expireAbandoned();
            await bringRetriesForward();
            const open = await db.execute(sql`select count(*)::int as n from pgboss.job where name in ${webhookQueues} and state in ('created', 'retry', 'active')`);
            return (open.rows[0] as { n: number }).n === 0;
          },
          10_000,
          50,
          state,
        );

        const received = receiver.requests.map((request) => JSON.parse(request.rawBody) as { id: string });
        expect(received.map((body) => body.id).sort()).toEqual(ids.slice(0, 12).sort());
        expect(new Set(receiver.requests.map((request) => request.headers["x-hub-delivery"])).size).toBe(12);
        for (const request of receiver.requests) {
          const expected = `sha256=${createHmac("sha256", secret).update(`${request.headers["x-hub-timestamp"]}.${request.rawBody}`).digest("hex")}`;
          expect(request.headers["x-hub-signature-256"]).toBe(expected);
        }
      } finally {
        await instanceB.stop();
      }
    } finally {
      setConfig(saved);
      await receiver.close();
    }
  }, 120_000);
});

describe("the server's job wiring", () => {
  it("runs server/features' registrars: a kick on a worker instance delivers at once; a web instance's kick reaches the workers", async () => {
    const { jobRegistrars } = await import("@/server/features");
    const db = privateDb.handle.db;
    const saved = getConfig();
    // A poll far away: only the kicks can explain a prompt delivery.
    setConfig({ ...saved, WEBHOOK_ALLOW_PRIVATE_TARGETS: true, OUTBOX_POLL_INTERVAL_MS: 600_000 });
    const receiver = await startReceiver();
    try {
      const carol = await createUser(db, { email: "carol@wiring.test", name: "Carol", password: "correct horse battery", role: "member" });
      await createWebhook(db, { userId: carol.id, role: "member" }, { url: receiver.url, events: ["task.created"], scope: "user" });
      const record = () => db.transaction((tx) => recordEvents(tx, [{ type: "task.created", userId: carol.id, data: {} }])).then(([id]) => id!);

      const worker = await startTestJobs({ databaseUrl: privateDb.url, runWorkers: true, registrars: jobRegistrars });
      try {
        const first = await record();
        await kickDispatcher();
        await waitFor(() => receiver.requests.some((request) => request.rawBody.includes(first)), 5_000);
      } finally {
        await worker.stop();
      }

      // A web instance does not dispatch; its kick is a job for the workers.
      const web = await startTestJobs({ databaseUrl: privateDb.url, runWorkers: false, registrars: jobRegistrars });
      const second = await record();
      try {
        await kickDispatcher();
        const kicks = await db.execute(sql`select count(*)::int as n from pgboss.job where name = 'outbox-dispatch' and state = 'created'`);
        expect((kicks.rows[0] as { n: number }).n).toBeGreaterThanOrEqual(1);
        expect(receiver.requests.some((request) => request.rawBody.includes(second))).toBe(false);
      } finally {
        await web.stop();
      }
      const workerAgain = await startTestJobs({ databaseUrl: privateDb.url, runWorkers: true, registrars: jobRegistrars });
      try {
        await waitFor(() => receiver.requests.some((request) => request.rawBody.includes(second)), 10_000);
        expect(receiver.requests).toHaveLength(2);
        // The worker ran the web instance's kick.
        await waitFor(async () => {
          const open = await db.execute(sql`select count(*)::int as n from pgboss.job where name = 'outbox-dispatch' and state <> 'completed'`);
          return (open.rows[0] as { n: number }).n === 0;
        }, 10_000);
      } finally {
        await workerAgain.stop();
      }
    } finally {
      setConfig(saved);
      await receiver.close();
    }
  }, 120_000);
});

