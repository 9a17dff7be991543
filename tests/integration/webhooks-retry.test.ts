import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as createWebhookRoute } from "@/app/api/v1/webhooks/route";
import { GET as getWebhookRoute, PATCH as patchWebhook } from "@/app/api/v1/webhooks/[id]/route";
import { getConfig, setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { outboxEvents } from "@/lib/db/schema/platform";
import { webhookDeliveries } from "@/lib/db/schema/webhooks";
import { dispatcherJobs, runConsumer } from "@/lib/jobs/dispatcher";
import { recordEvent } from "@/lib/jobs/outbox";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { webhooksConsumer } from "@/lib/webhooks/consumer";
import { AttemptInFlightError, attemptDelivery, type AttemptResult } from "@/lib/webhooks/deliver";
import { DELIVERY_QUEUE } from "@/lib/webhooks/deliveries";
import { webhookJobs } from "@/lib/webhooks/jobs";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { startTestJobs } from "@/tests/helpers/jobs";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";
import { startReceiver } from "@/tests/helpers/webhook-receiver";

/**
 * Retries and auto-disable on a test clock: every attempt is made with an
 * injected `now` (and a fixed jitter), so a day of retries runs in a second.
 */
let jobs: Awaited<ReturnType<typeof startTestJobs>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let saved: Config;

beforeAll(async () => {
  jobs = await startTestJobs({ registrars: [dispatcherJobs({ consumers: [webhooksConsumer] }), webhookJobs] });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await jobs.stop();
});
beforeEach(() => {
  saved = getConfig();
  setConfig({ ...saved, WEBHOOK_ALLOW_PRIVATE_TARGETS: true });
  receiver.requests.length = 0;
  receiver.respondWith(() => ({ status: 503, body: "down for maintenance" }));
});
afterEach(() => {
  setConfig(saved);
});

async function register(owner: TestUser): Promise<string> {
  const made = await call(createWebhookRoute, { key: owner.key, body: { url: receiver.url, events: ["task.created"] } });
  expect(made.status).toBe(201);
  return made.body.webhook.id;
}

async function deliveryFor(owner: TestUser, webhookId: string) {
  const eventId = await getDb().transaction((tx) => recordEvent(tx, { type: "task.created", userId: owner.user.id, data: {} }));
  await runConsumer(getDb(), webhooksConsumer, eventId);
  const [row] = await getDb()
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.webhookId, webhookId)));
  return row!;
}

/** The queued job for one attempt of a delivery. */
async function attemptJob(deliveryId: string, attempt: number): Promise<{ start_after: Date; state: string } | undefined> {
  const result = await getDb().execute(
    sql`select start_after, state::text as state from pgboss.job where name = ${DELIVERY_QUEUE} and data->>'deliveryId' = ${deliveryId} and (data->>'attempt')::int = ${attempt}`,
  );
  return result.rows[0] as { start_after: Date; state: string } | undefined;
}

function delivered(result: AttemptResult) {
  if (result.outcome === "skipped") throw new Error("the attempt was skipped");
  return result.delivery;
}

// The documented schedule (docs/webhooks.md), in seconds: 30 s doubling to a 4 h cap.
const NOMINAL_WAITS = [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 14400, 14400, 14400, 14400];

describe("webhook retries (test clock)", () => {
  it("backs off exponentially, stops after 24 h, and sends a fresh timestamp with each attempt", async () => {
    const alice = await makeUser();
    const webhookId = await register(alice);
    const delivery = await deliveryFor(alice, webhookId);
    const middle = () => 0.5; // jitter factor exactly 1

    let now = new Date(delivery.createdAt.getTime());
    const waits: number[] = [];
    for (let attempt = 1; ; attempt++) {
      const result = delivered(await attemptDelivery(getDb(), delivery.id, { now, random: middle }));
      expect(result.attempt).toBe(attempt);
      expect(receiver.requests).toHaveLength(attempt);
      expect(receiver.requests[attempt - 1]!.headers["x-hub-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
      expect(result.responseStatus).toBe(503);
      expect(result.responseBody).toBe("down for maintenance");
      if (result.status === "failed") {
        expect(result.nextAttemptAt).toBeNull();
        break;
      }
      expect(result.status).toBe("pending");
      const next = new Date(result.nextAttemptAt!);
      waits.push((next.getTime() - now.getTime()) / 1000);
      // The next attempt is a queued job that starts exactly then.
      const job = await attemptJob(delivery.id, attempt + 1);
      expect(job?.state).toBe("created");
      expect(new Date(job!.start_after).getTime()).toBe(next.getTime());
      now = next;
      expect(attempt).toBeLessThan(30);
    }
    expect(waits).toEqual(NOMINAL_WAITS);
    expect(receiver.requests).toHaveLength(NOMINAL_WAITS.length + 1);
    // The last attempt is within 24 h of the first; the next would not have been.
    const total = NOMINAL_WAITS.reduce((sum, wait) => sum + wait, 0);
    expect(total).toBeLessThanOrEqual(24 * 3600);
    expect(total + 14400).toBeGreaterThan(24 * 3600);
    // One failing event is not enough to switch the endpoint off (15 failures and 24 h are).
    const webhook = await call(getWebhookRoute, { key: alice.key, params: { id: webhookId } });
    expect(webhook.body.webhook).toMatchObject({ active: true, failureCount: NOMINAL_WAITS.length + 1 });
  });

  it("spreads retries with ±20 % jitter", async () => {
    const alice = await makeUser();
    const webhookId = await register(alice);
    for (const [random, factor] of [
      [() => 0, 0.8],
      [() => 0.999999, 1.2],
    ] as const) {
      const delivery = await deliveryFor(alice, webhookId);
      const now = new Date(delivery.createdAt.getTime());
      const first = delivered(await attemptDelivery(getDb(), delivery.id, { now, random }));
      expect((new Date(first.nextAttemptAt!).getTime() - now.getTime()) / 1000).toBeCloseTo(30 * factor, 0);
    }
    const delivery = await deliveryFor(alice, webhookId);
    let now = new Date(delivery.createdAt.getTime());
    for (let attempt = 1; attempt <= 6; attempt++) {
      const result = delivered(await attemptDelivery(getDb(), delivery.id, { now }));
      const wait = (new Date(result.nextAttemptAt!).getTime() - now.getTime()) / 1000;
      expect(wait).toBeGreaterThanOrEqual(NOMINAL_WAITS[attempt - 1]! * 0.8);
      expect(wait).toBeLessThanOrEqual(NOMINAL_WAITS[attempt - 1]! * 1.2);
      now = new Date(result.nextAttemptAt!);
    }
  });

  it("succeeds on a later attempt and clears the endpoint's failure count", async () => {
    const alice = await makeUser();
    const webhookId = await register(alice);
    receiver.respondWith((_request, index) => (index < 2 ? { status: 500 } : { status: 204 }));
    const delivery = await deliveryFor(alice, webhookId);
    let now = new Date(delivery.createdAt.getTime());
    let result = delivered(await attemptDelivery(getDb(), delivery.id, { now }));
    result = delivered(await attemptDelivery(getDb(), delivery.id, { now: (now = new Date(result.nextAttemptAt!)) }));
    expect((await call(getWebhookRoute, { key: alice.key, params: { id: webhookId } })).body.webhook.failureCount).toBe(2);
    result = delivered(await attemptDelivery(getDb(), delivery.id, { now: new Date(result.nextAttemptAt!) }));
    expect(result).toMatchObject({ status: "succeeded", attempt: 3, responseStatus: 204, nextAttemptAt: null });
    const webhook = (await call(getWebhookRoute, { key: alice.key, params: { id: webhookId } })).body.webhook;
    expect(webhook).toMatchObject({ failureCount: 0, failingSince: null, active: true });
    expect(webhook.lastSuccessAt).not.toBeNull();
  });

  it("ignores a duplicate or out-of-date attempt job, and takes over an attempt whose worker died", async () => {
    const alice = await makeUser();
    const webhookId = await register(alice);
    receiver.respondWith(() => ({ status: 200 }));
    const delivery = await deliveryFor(alice, webhookId);
    const now = new Date(delivery.createdAt.getTime());
    // A job for attempt 3 while the row has made none: stale.
    expect(await attemptDelivery(getDb(), delivery.id, { attempt: 3, now })).toEqual({ outcome: "skipped" });

    // A worker claimed attempt 1 and died mid-request. While the claim is
    // recent, the job fails (pg-boss retries it later) instead of giving up on the delivery.
    await getDb().update(webhookDeliveries).set({ status: "sending", attempt: 1, claimedAt: now }).where(eq(webhookDeliveries.id, delivery.id));
    await expect(attemptDelivery(getDb(), delivery.id, { attempt: 1, now: new Date(now.getTime() + 5_000) })).rejects.toBeInstanceOf(AttemptInFlightError);
    expect(receiver.requests).toHaveLength(0);
    const later = new Date(now.getTime() + getConfig().WEBHOOK_TIMEOUT_MS + 61_000);
    expect(delivered(await attemptDelivery(getDb(), delivery.id, { attempt: 1, now: later }))).toMatchObject({ status: "succeeded", attempt: 1 });
    // The same job run again (pg-boss at-least-once) sends nothing more.
    expect(await attemptDelivery(getDb(), delivery.id, { attempt: 1, now: later })).toEqual({ outcome: "skipped" });
    expect(receiver.requests).toHaveLength(1);
  });
});

describe("webhook auto-disable (test clock)", () => {
  it("disables an endpoint that keeps failing, cancels its queue and notifies its owner", async () => {
    setConfig({ ...getConfig(), WEBHOOK_DISABLE_AFTER_FAILURES: 3, WEBHOOK_DISABLE_AFTER_HOURS: 1 });
    const alice = await makeUser();
    const webhookId = await register(alice);
    const realtime = await startRealtimeServer();
    setRealtimeServer(realtime.realtime.io);
    const socket = await connectClient(realtime.url, alice.key);
    try {
      const first = await deliveryFor(alice, webhookId);
      const second = await deliveryFor(alice, webhookId);
      const t0 = new Date(first.createdAt.getTime());

      // Three failures within ten minutes: many failures, but not failing for an hour yet.
      await attemptDelivery(getDb(), first.id, { now: t0 });
      await attemptDelivery(getDb(), second.id, { now: new Date(t0.getTime() + 60_000) });
      await attemptDelivery(getDb(), first.id, { now: new Date(t0.getTime() + 10 * 60_000) });
      let webhook = (await call(getWebhookRoute, { key: alice.key, params: { id: webhookId } })).body.webhook;
      expect(webhook).toMatchObject({ active: true, failureCount: 3, failingSince: t0.toISOString() });

      // Still failing more than an hour after the first failure: disabled.
      const notified = nextEvent<{ type: string; data: { webhookId: string } }>(socket, "notification");
      const t1 = new Date(t0.getTime() + 70 * 60_000);
      const result = await attemptDelivery(getDb(), second.id, { now: t1 });
      expect(result).toMatchObject({ outcome: "failed", disabledWebhook: true });
      expect(await notified).toMatchObject({ type: "webhook.disabled", data: { webhookId } });

      webhook = (await call(getWebhookRoute, { key: alice.key, params: { id: webhookId } })).body.webhook;
      expect(webhook).toMatchObject({ active: false, disabledAt: t1.toISOString(), failureCount: 4 });
      expect(webhook.disabledReason).toMatch(/4 failed attempts/);
      const [firstNow] = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, first.id));
      expect(firstNow).toMatchObject({ status: "cancelled", nextAttemptAt: null });
      // Its queued job finds the delivery cancelled and sends nothing.
      const sent = receiver.requests.length;
      expect(await attemptDelivery(getDb(), first.id, { now: new Date(t1.getTime() + 3_600_000) })).toEqual({ outcome: "skipped" });
      expect(receiver.requests).toHaveLength(sent);

      // The owner is told through the outbox (the notifications feature turns it into a notification).
      const events = await getDb()
        .select()
        .from(outboxEvents)
        .where(and(eq(outboxEvents.type, "webhook.disabled"), eq(outboxEvents.userId, alice.user.id)));
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ webhookId, url: receiver.url, failureCount: 4 });

      // No new deliveries while disabled; enabling it again starts from a clean slate.
      const quiet = await getDb().transaction((tx) => recordEvent(tx, { type: "task.created", userId: alice.user.id, data: {} }));
      await runConsumer(getDb(), webhooksConsumer, quiet);
      expect(await getDb().select().from(webhookDeliveries).where(and(eq(webhookDeliveries.eventId, quiet), eq(webhookDeliveries.webhookId, webhookId)))).toEqual([]);
      const enabled = await call(patchWebhook, { method: "PATCH", key: alice.key, params: { id: webhookId }, body: { active: true } });
      expect(enabled.body.webhook).toMatchObject({ active: true, failureCount: 0, failingSince: null });
    } finally {
      socket.disconnect();
      setRealtimeServer(undefined);
      await realtime.close();
    }
  });
});
