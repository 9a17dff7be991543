import { randomBytes } from "node:crypto";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { outboxDeliveries, outboxEvents } from "@/lib/db/schema/platform";
import { consumerQueue, dispatcherJobs, dispatchPending, runConsumer, type DispatchedEvent, type OutboxConsumer } from "@/lib/jobs/dispatcher";
import { recordEvents } from "@/lib/jobs/outbox";
import { startTestJobs } from "@/tests/helpers/jobs";

/**
 * The dispatcher on the shared test database, driven by hand (no workers):
 * claims, jobs, crashes mid-dispatch, concurrency and consumer dedupe. Each
 * test uses event types of its own, so nothing else's events are touched.
 */
const tag = randomBytes(4).toString("hex");
const typeA = `test.${tag}.a`;
const typeB = `test.${tag}.b`;

const handled: { consumer: string; eventId: string }[] = [];
function consumer(name: string, types: string[]): OutboxConsumer {
  return {
    name: `${name}-${tag}`,
    types,
    async handle(_tx, event: DispatchedEvent) {
      return () => {
        handled.push({ consumer: `${name}-${tag}`, eventId: event.id });
      };
    },
  };
}
const alpha = consumer("alpha", [typeA]);
const beta = consumer("beta", [typeA, typeB]);

let jobs: Awaited<ReturnType<typeof startTestJobs>>;
beforeAll(async () => {
  jobs = await startTestJobs({ registrars: [dispatcherJobs({ consumers: [alpha, beta] })] });
});
afterAll(async () => {
  await jobs.stop();
});

async function record(type: string, count: number, userId: string | null = null): Promise<string[]> {
  return getDb().transaction((tx) => recordEvents(tx, Array.from({ length: count }, (_, i) => ({ type, userId, data: { n: i } }))));
}

/** The consumer jobs that exist for these events, as "eventId:consumer" keys (one entry per job). */
async function jobKeys(eventIds: string[]): Promise<string[]> {
  const result = await getDb().execute(sql`
    select singleton_key from pgboss.job where name in (${consumerQueue(alpha)}, ${consumerQueue(beta)}) and data->>'eventId' in ${eventIds}
    union all
    select singleton_key from pgboss.archive where name in (${consumerQueue(alpha)}, ${consumerQueue(beta)}) and data->>'eventId' in ${eventIds}`);
  return result.rows.map((row) => String((row as { singleton_key: string }).singleton_key)).sort();
}

async function pending(eventIds: string[]): Promise<number> {
  const rows = await getDb()
    .select({ id: outboxEvents.id })
    .from(outboxEvents)
    .where(and(inArray(outboxEvents.id, eventIds), isNull(outboxEvents.dispatchedAt)));
  return rows.length;
}

describe("outbox dispatcher", () => {
  it("turns each pending event into one job per interested consumer and marks it dispatched", async () => {
    const a = await record(typeA, 3);
    const b = await record(typeB, 2);
    const result = await dispatchPending(getDb(), { consumers: [alpha, beta], eventIds: [...a, ...b] });
    expect(result).toEqual({ events: 5, jobs: 3 * 2 + 2 });
    const expected = [...a.map((id) => `${id}:${alpha.name}`), ...a.map((id) => `${id}:${beta.name}`), ...b.map((id) => `${id}:${beta.name}`)].sort();
    expect(await jobKeys([...a, ...b])).toEqual(expected);
    expect(await pending([...a, ...b])).toBe(0);

    const again = await dispatchPending(getDb(), { consumers: [alpha, beta], eventIds: [...a, ...b] });
    expect(again).toEqual({ events: 0, jobs: 0 });
    expect(await jobKeys([...a, ...b])).toEqual(expected);
  });

  it("makes no job for a consumer whose relevant() leaves an event out", async () => {
    // alpha's name and queue, with a filter.
    const picky: OutboxConsumer = { ...alpha, relevant: async (_tx, events) => new Set(events.filter((event) => event.data.n === 1).map((event) => event.id)) };
    const [first, second, third] = await record(typeA, 3);
    const result = await dispatchPending(getDb(), { consumers: [picky, beta], eventIds: [first!, second!, third!] });
    // beta takes all three; picky only the event whose data says n = 1.
    expect(result).toEqual({ events: 3, jobs: 4 });
    expect(await jobKeys([first!, second!, third!])).toEqual([`${first}:${beta.name}`, `${second}:${alpha.name}`, `${second}:${beta.name}`, `${third}:${beta.name}`].sort());
    expect(await pending([first!, second!, third!])).toBe(0);
  });

  it("loses nothing and duplicates nothing when the dispatcher dies between claiming and committing", async () => {
    const ids = await record(typeA, 4);
    await expect(
      dispatchPending(getDb(), {
        consumers: [alpha, beta],
        eventIds: ids,
        afterClaim: () => {
          throw new Error("killed mid-dispatch");
        },
      }),
    ).rejects.toThrow("killed mid-dispatch");
    // The crash rolled back the claim and the jobs together.
    expect(await pending(ids)).toBe(4);
    expect(await jobKeys(ids)).toEqual([]);

    const result = await dispatchPending(getDb(), { consumers: [alpha, beta], eventIds: ids });
    expect(result.events).toBe(4);
    expect(await jobKeys(ids)).toEqual([...ids.map((id) => `${id}:${alpha.name}`), ...ids.map((id) => `${id}:${beta.name}`)].sort());
  });

  it("never hands the same event to two concurrent dispatchers", async () => {
    const ids = await record(typeA, 40);
    let dispatched = 0;
    // Four dispatchers in parallel, small batches, until nothing is left.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (;;) {
          const result = await dispatchPending(getDb(), { consumers: [alpha, beta], eventIds: ids, limit: 3 });
          dispatched += result.events;
          if (result.events === 0 && (await pending(ids)) === 0) return;
        }
      }),
    );
    expect(dispatched).toBe(40);
    const keys = await jobKeys(ids);
    expect(keys).toHaveLength(80);
    expect(new Set(keys).size).toBe(80);
  });

  it("keeps events pending when a consumer's queue does not exist, instead of dropping their jobs", async () => {
    const ids = await record(typeA, 2);
    const orphan: OutboxConsumer = { name: `orphan-${tag}`, types: [typeA], handle: async () => {} };
    await expect(dispatchPending(getDb(), { consumers: [alpha, orphan], eventIds: ids })).rejects.toThrow(/not created: outbox-orphan/);
    expect(await pending(ids)).toBe(2);
  });

  it("leaves events of other types alone when scoped by type", async () => {
    const a = await record(typeA, 2);
    const b = await record(typeB, 2);
    const result = await dispatchPending(getDb(), { consumers: [alpha, beta], types: [typeB] });
    expect(result.events).toBeGreaterThanOrEqual(2);
    expect(await pending(b)).toBe(0);
    expect(await pending(a)).toBe(2);
  });
});

describe("outbox consumers", () => {
  it("handle an event once, however often its job runs, even concurrently", async () => {
    const [id] = await record(typeA, 1);
    const outcomes = await Promise.all([runConsumer(getDb(), alpha, id!), runConsumer(getDb(), alpha, id!), runConsumer(getDb(), alpha, id!)]);
    outcomes.push(await runConsumer(getDb(), alpha, id!));
    expect(outcomes.filter((outcome) => outcome === "handled")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "duplicate")).toHaveLength(3);
    expect(handled.filter((entry) => entry.eventId === id)).toEqual([{ consumer: alpha.name, eventId: id }]);
    // Another consumer of the same event is independent.
    expect(await runConsumer(getDb(), beta, id!)).toBe("handled");
  });

  it("commit nothing when handle() throws, so the job's retry handles the event", async () => {
    const [id] = await record(typeA, 1);
    let calls = 0;
    const flaky: OutboxConsumer = {
      name: alpha.name,
      types: [typeA],
      async handle(tx, event) {
        calls++;
        await tx.insert(outboxEvents).values({ id: `evt_side_${event.id}`, type: "test.side-effect", userId: null, data: {} });
        if (calls === 1) throw new Error("consumer crashed");
      },
    };
    await expect(runConsumer(getDb(), flaky, id!)).rejects.toThrow("consumer crashed");
    const afterCrash = await getDb().select().from(outboxDeliveries).where(eq(outboxDeliveries.eventId, id!));
    expect(afterCrash).toEqual([]);
    expect(await getDb().select().from(outboxEvents).where(eq(outboxEvents.id, `evt_side_${id}`))).toEqual([]);

    expect(await runConsumer(getDb(), flaky, id!)).toBe("handled");
    expect(await runConsumer(getDb(), flaky, id!)).toBe("duplicate");
    expect(calls).toBe(2);
    expect(await getDb().select().from(outboxEvents).where(eq(outboxEvents.id, `evt_side_${id}`))).toHaveLength(1);
  });

  it("report an event that no longer exists as missing", async () => {
    expect(await runConsumer(getDb(), alpha, "evt_does_not_exist")).toBe("missing");
  });
});
