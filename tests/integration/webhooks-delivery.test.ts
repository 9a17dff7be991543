import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as createWebhookRoute } from "@/app/api/v1/webhooks/route";
import { PATCH as patchWebhook } from "@/app/api/v1/webhooks/[id]/route";
import { GET as listDeliveries } from "@/app/api/v1/webhooks/[id]/deliveries/route";
import { GET as getDeliveryRoute } from "@/app/api/v1/webhooks/[id]/deliveries/[deliveryId]/route";
import { POST as redeliverRoute } from "@/app/api/v1/webhooks/[id]/deliveries/[deliveryId]/redeliver/route";
import { getConfig, setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { webhookDeliveries } from "@/lib/db/schema/webhooks";
import { dispatcherJobs, runConsumer } from "@/lib/jobs/dispatcher";
import { recordEvent } from "@/lib/jobs/outbox";
import { webhooksConsumer } from "@/lib/webhooks/consumer";
import { attemptDelivery } from "@/lib/webhooks/deliver";
import { webhookJobs } from "@/lib/webhooks/jobs";
import { createWebhook } from "@/lib/webhooks/webhooks";
import type { Resolver } from "@/lib/webhooks/targets";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { startTestJobs } from "@/tests/helpers/jobs";
import { startReceiver } from "@/tests/helpers/webhook-receiver";
import { inIsolatedDatabase } from "@/tests/helpers/isolated-database";

/**
 * Deliveries to a local receiver: the payload and signature as API.md
 * documents them, who receives which events, redelivery, and the SSRF guard
 * at delivery time. Handlers are driven directly (no workers): runConsumer
 * is what the consumer's job runs, attemptDelivery what a delivery job runs.
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
  // The receiver listens on loopback.
  setConfig({ ...saved, WEBHOOK_ALLOW_PRIVATE_TARGETS: true });
  receiver.requests.length = 0;
  receiver.respondWith(() => ({ status: 200, body: "ok" }));
});
afterEach(() => {
  setConfig(saved);
});

async function register(owner: TestUser, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const made = await call(createWebhookRoute, { key: owner.key, body: { url: receiver.url, events: ["*"], ...body } });
  expect(made.status).toBe(201);
  ours.add(made.body.webhook.id);
  return { id: made.body.webhook.id, secret: made.body.secret };
}

/** Records a domain event and runs the webhooks consumer on it, as its job would. Returns the event id. */
async function emit(userId: string | null, type: string, data: Record<string, unknown> = {}): Promise<string> {
  const id = await getDb().transaction((tx) => recordEvent(tx, { type, userId, data }));
  expect(await runConsumer(getDb(), webhooksConsumer, id)).toBe("handled");
  return id;
}

/**
 * The event's deliveries to endpoints this file registered. Other files share
 * the database, and an instance-wide endpoint of theirs may also receive our events.
 */
const ours = new Set<string>();
async function deliveriesOf(eventId: string) {
  const rows = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
  return rows.filter((row) => ours.has(row.webhookId));
}

/** The receiver's side of the contract, written from API.md alone. */
function verifySignature(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const timestamp = String(headers["x-hub-timestamp"]);
  const received = String(headers["x-hub-signature-256"]);
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
  return received.length === expected.length && timingSafeEqual(Buffer.from(received), Buffer.from(expected));
}

describe("webhook deliveries", () => {
  it("POSTs {id, type, createdAt, data} with headers and a signature that verifies with the documented recipe", async () => {
    const alice = await makeUser();
    const hook = await register(alice, { events: ["message.received"] });
    const eventId = await emit(alice.user.id, "message.received", { messageId: "msg_1", from: "+15550001", body: "Gate code 4321 ✓" });
    const [delivery] = await deliveriesOf(eventId);
    const before = Math.floor(Date.now() / 1000);
    const result = await attemptDelivery(getDb(), delivery!.id);
    expect(result.outcome).toBe("delivered");

    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/hook");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-hub-event"]).toBe("message.received");
    expect(request.headers["x-hub-delivery"]).toBe(delivery!.id);
    const timestamp = Number(request.headers["x-hub-timestamp"]);
    expect(Number.isInteger(timestamp)).toBe(true);
    expect(Math.abs(timestamp - before)).toBeLessThanOrEqual(5);
    expect(request.headers["x-hub-signature-256"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(hook.secret, request.headers, request.rawBody)).toBe(true);
    // The check can fail: another secret, or a body changed by one byte, does not verify.
    expect(verifySignature("whsec_someone-else", request.headers, request.rawBody)).toBe(false);
    expect(verifySignature(hook.secret, request.headers, request.rawBody.replace("4321", "4322"))).toBe(false);

    const body = JSON.parse(request.rawBody);
    expect(body).toEqual({ id: eventId, type: "message.received", createdAt: expect.any(String), data: { messageId: "msg_1", from: "+15550001", body: "Gate code 4321 ✓" } });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);

    const log = await call(listDeliveries, { key: alice.key, params: { id: hook.id } });
    expect(log.status).toBe(200);
    expect(log.body.data).toEqual([
      expect.objectContaining({ id: delivery!.id, eventId, eventType: "message.received", status: "succeeded", attempt: 1, responseStatus: 200, responseBody: "ok", requestBody: request.rawBody, nextAttemptAt: null }),
    ]);
    expect(log.body.data[0].durationMs).toBeGreaterThanOrEqual(0);
    const one = await call(getDeliveryRoute, { key: alice.key, params: { id: hook.id, deliveryId: delivery!.id } });
    expect(one.body.delivery.id).toBe(delivery!.id);
  });

  it("sends a user only events about their own data, filtered by type; instance-wide endpoints get everyone's", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const admin = await makeUser({ role: "admin" });
    const aliceTasks = await register(alice, { events: ["task.created"] });
    const everything = await register(admin, { events: ["task.created", "message.received"], scope: "instance" });

    const bobsTask = await emit(bob.user.id, "task.created", { taskId: "task_b" });
    const alicesMessage = await emit(alice.user.id, "message.received", {});
    const alicesTask = await emit(alice.user.id, "task.created", { taskId: "task_a" });
    const systemEvent = await emit(null, "device.offline", {});

    const to = async (eventId: string) => (await deliveriesOf(eventId)).map((d) => d.webhookId).sort();
    expect(await to(bobsTask)).toEqual([everything.id]);
    expect(await to(alicesMessage)).toEqual([everything.id]);
    expect(await to(alicesTask)).toEqual([aliceTasks.id, everything.id].sort());
    // Not subscribed to device.offline.
    expect(await to(systemEvent)).toEqual([]);

    // An instance-wide endpoint stops receiving when its owner is no longer an admin.
    const { users } = await import("@/lib/db/schema/users");
    await getDb().update(users).set({ role: "member" }).where(eq(users.id, admin.user.id));
    expect(await to(await emit(bob.user.id, "task.created", {}))).toEqual([]);
  });

  it("asks for no consumer job for an event that no enabled endpoint would receive", async () => {
    await inIsolatedDatabase(async () => {
      const alice = await makeUser();
      const carol = await makeUser();
      const admin = await makeUser({ role: "admin" });
      await register(alice, { events: ["task.created"] });
      const events = [
        { id: "evt_a1", type: "task.created", userId: alice.user.id, data: {} },
        { id: "evt_a2", type: "message.received", userId: alice.user.id, data: {} },
        { id: "evt_c1", type: "task.created", userId: carol.user.id, data: {} },
        { id: "evt_s1", type: "device.offline", userId: null, data: {} },
      ];
      const relevant = (): Promise<ReadonlySet<string>> => getDb().transaction((tx) => webhooksConsumer.relevant!(tx, events));
      expect([...(await relevant())]).toEqual(["evt_a1"]);
      // An instance-wide endpoint of an active admin receives everyone's events of its types.
      await register(admin, { events: ["task.created"], scope: "instance" });
      expect([...(await relevant())].sort()).toEqual(["evt_a1", "evt_c1"]);
    });
  });

  it("creates no deliveries for a disabled endpoint", async () => {
    const alice = await makeUser();
    const hook = await register(alice, {});
    await call(patchWebhook, { method: "PATCH", key: alice.key, params: { id: hook.id }, body: { active: false } });
    expect(await deliveriesOf(await emit(alice.user.id, "task.updated"))).toEqual([]);
  });

  it("redelivers as a new delivery with the same event and body, and refuses while the endpoint is disabled", async () => {
    const alice = await makeUser();
    const hook = await register(alice, { events: ["task.completed"] });
    const eventId = await emit(alice.user.id, "task.completed", { taskId: "task_9" });
    const [original] = await deliveriesOf(eventId);
    await attemptDelivery(getDb(), original!.id);

    const again = await call(redeliverRoute, { method: "POST", key: alice.key, params: { id: hook.id, deliveryId: original!.id } });
    expect(again.status).toBe(201);
    expect(again.body.delivery).toMatchObject({ eventId, eventType: "task.completed", status: "pending", attempt: 0, redeliveryOf: original!.id, requestBody: original!.requestBody });
    expect(again.body.delivery.id).not.toBe(original!.id);
    expect((await attemptDelivery(getDb(), again.body.delivery.id)).outcome).toBe("delivered");

    expect(receiver.requests).toHaveLength(2);
    const [first, second] = receiver.requests;
    expect(second!.rawBody).toBe(first!.rawBody);
    expect(second!.headers["x-hub-delivery"]).toBe(again.body.delivery.id);
    expect(verifySignature(hook.secret, second!.headers, second!.rawBody)).toBe(true);
    const log = await call(listDeliveries, { key: alice.key, params: { id: hook.id } });
    expect(log.body.data.map((d: { id: string }) => d.id).sort()).toEqual([original!.id, again.body.delivery.id].sort());

    await call(patchWebhook, { method: "PATCH", key: alice.key, params: { id: hook.id }, body: { active: false } });
    expect((await call(redeliverRoute, { method: "POST", key: alice.key, params: { id: hook.id, deliveryId: original!.id } })).status).toBe(409);
    expect((await call(redeliverRoute, { method: "POST", key: alice.key, params: { id: hook.id, deliveryId: "dlv_missing" } })).status).toBe(404);
  });

  it.each([
    ["127.0.0.1", (port: number) => `http://127.0.0.1:${port}/hook`],
    ["localhost", (port: number) => `http://localhost:${port}/hook`],
  ])("refuses an SSRF target at delivery time (%s), sending nothing", async (_name, url) => {
    const alice = await makeUser();
    await register(alice, { url: url(receiver.port) });
    setConfig({ ...getConfig(), WEBHOOK_ALLOW_PRIVATE_TARGETS: false });
    const [delivery] = await deliveriesOf(await emit(alice.user.id, "task.created"));
    const result = await attemptDelivery(getDb(), delivery!.id);
    expect(result.outcome).toBe("retrying");
    expect(receiver.requests).toHaveLength(0);
    if (result.outcome !== "skipped") expect(result.delivery.error).toMatch(/^Refused: the URL .*loopback, private or link-local/);
  });

  it("checks DNS again at delivery time and connects to the address it checked (DNS rebinding)", async () => {
    setConfig({ ...getConfig(), WEBHOOK_ALLOW_PRIVATE_TARGETS: false });
    const alice = await makeUser();
    // At registration the name looks public…
    const publicAnswer: Resolver = async () => [{ address: "93.184.215.14", family: 4 }];
    const { webhook } = await createWebhook(getDb(), { userId: alice.user.id, role: "member" }, { url: `http://rebind.test:${receiver.port}/hook`, events: ["*"], scope: "user" }, { resolver: publicAnswer });
    ours.add(webhook.id);
    const [delivery] = await deliveriesOf(await emit(alice.user.id, "task.created"));
    // …and by delivery time it answers loopback.
    const rebound: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const refused = await attemptDelivery(getDb(), delivery!.id, { resolver: rebound });
    expect(refused.outcome).toBe("retrying");
    expect(receiver.requests).toHaveLength(0);

    // With private targets allowed, the request goes to the resolved address
    // (the system resolver knows nothing of rebind.test), Host header intact.
    setConfig({ ...getConfig(), WEBHOOK_ALLOW_PRIVATE_TARGETS: true });
    const delivered = await attemptDelivery(getDb(), delivery!.id, { resolver: rebound });
    expect(delivered.outcome).toBe("delivered");
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers.host).toBe(`rebind.test:${receiver.port}`);
    expect(webhook.url).toBe(`http://rebind.test:${receiver.port}/hook`);
  });

  it("gives each attempt a deadline, follows no redirects and keeps only the first 1 KB of the response", async () => {
    const alice = await makeUser();
    await register(alice, {});

    setConfig({ ...getConfig(), WEBHOOK_TIMEOUT_MS: 300 });
    receiver.respondWith(() => ({ status: 200, delayMs: 3000 }));
    const [slow] = await deliveriesOf(await emit(alice.user.id, "task.created"));
    const timedOut = await attemptDelivery(getDb(), slow!.id);
    expect(timedOut.outcome).toBe("retrying");
    if (timedOut.outcome !== "skipped") {
      expect(timedOut.delivery.error).toMatch(/Timed out after 300 ms/);
      expect(timedOut.delivery.durationMs).toBeLessThan(2500);
      expect(timedOut.delivery.responseStatus).toBeNull();
    }

    receiver.respondWith(() => ({ status: 302, body: "moved" }));
    receiver.requests.length = 0;
    const [redirected] = await deliveriesOf(await emit(alice.user.id, "task.created"));
    const moved = await attemptDelivery(getDb(), redirected!.id);
    expect(moved.outcome).toBe("retrying");
    expect(receiver.requests).toHaveLength(1);

    receiver.respondWith(() => ({ status: 500, body: `${"é".repeat(1000)}${"x".repeat(3000)}` }));
    const [noisy] = await deliveriesOf(await emit(alice.user.id, "task.created"));
    const failed = await attemptDelivery(getDb(), noisy!.id);
    if (failed.outcome === "skipped") throw new Error("attempt skipped");
    expect(failed.delivery.responseStatus).toBe(500);
    expect(Buffer.byteLength(failed.delivery.responseBody!, "utf8")).toBeLessThanOrEqual(1024);
    expect(failed.delivery.responseBody!.startsWith("éé")).toBe(true);
  });
});
