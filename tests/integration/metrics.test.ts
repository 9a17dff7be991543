import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { GET as meRoute } from "@/app/api/v1/me/route";
import { POST as ingestRoute } from "@/app/api/v1/messages/route";
import { POST as setupRoute } from "@/app/api/v1/setup/route";
import { GET as syncRoute } from "@/app/api/v1/sync/messages/route";
import { getConfig, setConfig } from "@/lib/config/env";
import { getDatabase, getDb } from "@/lib/db/client";
import { deviceOfflineNotices, notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { webhookDeliveries } from "@/lib/db/schema/webhooks";
import { settleEach, startWorker } from "@/lib/jobs/boss";
import { dispatcherJobs, runConsumer } from "@/lib/jobs/dispatcher";
import { recordEvent } from "@/lib/jobs/outbox";
import { renderMetrics } from "@/lib/metrics/metrics";
import { notificationsConsumer } from "@/lib/notifications/consumer";
import { deliverChannel } from "@/lib/notifications/deliver";
import { detectOfflineDevices } from "@/lib/notifications/device-offline";
import { notificationJobs } from "@/lib/notifications/jobs";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { sendSms } from "@/lib/sms/send";
import { tablePrice } from "@/lib/sms/usage";
import { webhooksConsumer } from "@/lib/webhooks/consumer";
import { attemptDelivery } from "@/lib/webhooks/deliver";
import { webhookJobs } from "@/lib/webhooks/jobs";
import { createWebhookSchema } from "@/lib/webhooks/schemas";
import { createWebhook } from "@/lib/webhooks/webhooks";
import { registerRoomSockets } from "@/server/realtime/rooms";
import { handleWorkerRequest } from "@/server/worker-probes";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { makeDevice, sms } from "@/tests/helpers/inbox";
import { startTestJobs } from "@/tests/helpers/jobs";
import { connectClient, startRealtimeServer } from "@/tests/helpers/realtime";
import { ack, openRoom } from "@/tests/helpers/rooms";
import { browserHeaders } from "@/tests/helpers/session";
import { signIn } from "@/tests/helpers/sign-in";
import { startReceiver } from "@/tests/helpers/webhook-receiver";

/**
 * Scrapes /api/metrics (as an administrator, through the route) before and
 * after known traffic and checks each counter moved by exactly what the
 * traffic should have caused. Counters live in this test file's own process,
 * so other files running at the same time cannot move them.
 */
type Samples = Map<string, number>;

/** `name{a="1",b="2"}` with labels sorted, so lookups do not depend on the exposition's order. */
function sampleKey(name: string, labels: Record<string, string> = {}): string {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`);
  return parts.length > 0 ? `${name}{${parts.join(",")}}` : name;
}

function parseExposition(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of match[2]?.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[key!] = value!;
    samples.set(sampleKey(match[1]!, labels), Number(match[3]));
  }
  return samples;
}

let admin: TestUser;
async function scrape(): Promise<Samples> {
  const result = await call(metricsRoute, { path: "/api/metrics", headers: await browserHeaders(admin.user) });
  expect(result.status).toBe(200);
  expect(result.headers.get("content-type")).toContain("text/plain");
  return parseExposition(result.text);
}

function delta(before: Samples, after: Samples, name: string, labels: Record<string, string> = {}): number {
  const key = sampleKey(name, labels);
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

async function until(predicate: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let jobs: Awaited<ReturnType<typeof startTestJobs>>;
let boss: PgBoss;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  admin = await makeUser({ role: "admin" });
  // No workers: the queues exist so handlers can enqueue; the test drives what runs.
  jobs = await startTestJobs({ registrars: [dispatcherJobs({ consumers: [webhooksConsumer, notificationsConsumer] }), webhookJobs, notificationJobs] });
  boss = jobs.boss;
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await jobs.stop();
});

describe("/api/metrics after known traffic", () => {
  it("counts ingest by type and source, duplicates, and sync requests with their lag", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const before = await scrape();

    const first = sms();
    const batch = await call(ingestRoute, { key: phone.key, body: { messages: [first, sms(), sms({ type: "notification", app: "Slack", title: "Build" })] } });
    expect(batch.status).toBe(201);
    // The forwarder retries the first message: stored once, counted as a duplicate.
    const retry = await call(ingestRoute, { key: phone.key, body: first });
    expect(retry.status).toBe(200);
    const page = await call(syncRoute, { key: alice.key, query: { since: "" } });
    expect(page.status).toBe(200);
    expect(page.body.changes).toHaveLength(3);

    const after = await scrape();
    expect(delta(before, after, "hub_ingest_requests_total", { source: "api" })).toBe(2);
    expect(delta(before, after, "hub_messages_ingested_total", { type: "sms", source: "api" })).toBe(2);
    expect(delta(before, after, "hub_messages_ingested_total", { type: "notification", source: "api" })).toBe(1);
    expect(delta(before, after, "hub_messages_duplicate_total", { source: "api" })).toBe(1);
    expect(delta(before, after, "hub_sync_requests_total", { stream: "messages" })).toBe(1);
    expect(delta(before, after, "hub_sync_changes_total", { stream: "messages" })).toBe(3);
    expect(delta(before, after, "hub_sync_lag_seconds_count", { stream: "messages" })).toBe(1);
    // The page's oldest change was written moments ago: a lag of seconds, not hours.
    const lag = delta(before, after, "hub_sync_lag_seconds_sum", { stream: "messages" });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(30);
    // The device that just forwarded is online.
    expect(after.get(sampleKey("hub_devices", { status: "online" }))).toBeGreaterThanOrEqual(1);
  });

  it("counts a failed password sign-in, a bad API key and a rate-limit refusal, and no more", async () => {
    const bob = await makeUser();
    const before = await scrape();

    const wrong = await signIn({ email: bob.user.email, password: "not-the-password", ip: "198.51.100.77" });
    expect(wrong.session).toBeUndefined();
    const badKey = await call(meRoute, { key: `mh_${randomBytes(20).toString("hex")}` });
    expect(badKey.status).toBe(401);
    // The setup route allows 10 attempts an hour per address; the 11th is refused.
    const ip = `192.0.2.${1 + (randomBytes(1)[0]! % 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call(setupRoute, { body: {}, ip })).status);
    expect(statuses.slice(0, 10).every((status) => status !== 429)).toBe(true);
    expect(statuses[10]).toBe(429);

    const after = await scrape();
    expect(delta(before, after, "hub_auth_failures_total", { method: "password", reason: "invalid" })).toBe(1);
    expect(delta(before, after, "hub_auth_failures_total", { method: "api_key", reason: "invalid" })).toBe(1);
    expect(delta(before, after, "hub_rate_limit_refusals_total", { limit: "setup" })).toBe(1);
    expect(delta(before, after, "hub_rate_limit_refusals_total", { limit: "api" })).toBe(0);
    // A correct sign-in is not a failure.
    const right = await signIn({ email: bob.user.email, password: bob.password, ip: "198.51.100.78" });
    expect(right.session).toBeDefined();
    expect(delta(after, await scrape(), "hub_auth_failures_total", { method: "password", reason: "invalid" })).toBe(0);
  });

  it("counts webhook deliveries by outcome and their durations", async () => {
    const saved = getConfig();
    setConfig({ ...saved, WEBHOOK_ALLOW_PRIVATE_TARGETS: true });
    try {
      const carol = await makeUser();
      const { webhook } = await createWebhook(getDb(), { userId: carol.user.id, role: "member" }, createWebhookSchema.parse({ url: receiver.url, events: ["message.received"] }));
      const deliveryFor = async () => {
        const eventId = await getDb().transaction((tx) => recordEvent(tx, { type: "message.received", userId: carol.user.id, data: { messageId: "msg_probe" } }));
        expect(await runConsumer(getDb(), webhooksConsumer, eventId, { boss })).toBe("handled");
        const [row] = await getDb()
          .select()
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.webhookId, webhook.id)));
        return row!.id;
      };
      const before = await scrape();
      receiver.respondWith(() => ({ status: 200, body: "ok" }));
      expect((await attemptDelivery(getDb(), await deliveryFor(), { boss })).outcome).toBe("delivered");
      receiver.respondWith(() => ({ status: 503, body: "down" }));
      expect((await attemptDelivery(getDb(), await deliveryFor(), { boss })).outcome).toBe("retrying");

      const after = await scrape();
      expect(delta(before, after, "hub_webhook_deliveries_total", { outcome: "delivered" })).toBe(1);
      expect(delta(before, after, "hub_webhook_deliveries_total", { outcome: "retrying" })).toBe(1);
      expect(delta(before, after, "hub_webhook_deliveries_total", { outcome: "failed" })).toBe(0);
      expect(delta(before, after, "hub_webhook_delivery_duration_seconds_count")).toBe(2);
      expect(delta(before, after, "hub_webhooks_disabled_total")).toBe(0);
    } finally {
      receiver.respondWith(() => ({ status: 200, body: "ok" }));
      setConfig(saved);
    }
  });

  it("counts notifications per channel, SMS with their cost, and devices going offline", async () => {
    const dave = await makeUser();
    const phone = await makeDevice(dave);
    expect((await call(ingestRoute, { key: phone.key, body: sms() })).status).toBe(201);
    const before = await scrape();

    // An hour and a half of silence later the device is offline: detected once. Other test
    // files share the database and add devices while this runs, and a pass takes at most
    // 500, so the passes go on (bounded) until Dave's phone is among those detected.
    const later = new Date(Date.now() + 90 * 60_000);
    const noticesOfPhone = () => getDb().select().from(deviceOfflineNotices).where(eq(deviceOfflineNotices.deviceId, phone.id));
    let detected = 0;
    for (let pass = 0; pass < 20 && (await noticesOfPhone()).length === 0; pass++) detected += await detectOfflineDevices(getDb(), later);
    expect(detected).toBeGreaterThanOrEqual(1);
    detected += await detectOfflineDevices(getDb(), later);
    expect(await noticesOfPhone()).toHaveLength(1);

    // device.offline goes out in-app (at once), by push and by email (jobs); the email job is run here.
    const eventId = await getDb().transaction((tx) =>
      recordEvent(tx, { type: "device.offline", userId: dave.user.id, data: { deviceId: phone.id, name: "Pixel", lastSeenAt: new Date().toISOString() } }),
    );
    expect(await runConsumer(getDb(), notificationsConsumer, eventId, { boss })).toBe("handled");
    const [email] = await getDb()
      .select({ id: notificationDeliveries.id })
      .from(notificationDeliveries)
      .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
      .where(and(eq(notifications.eventId, eventId), eq(notificationDeliveries.channel, "email")));
    expect((await deliverChannel(getDb(), email!.id)).outcome).toBe("sent");

    const to = "+14155550123";
    await sendSms(getDb(), { userId: dave.user.id, to, body: "Your code is 123456", kind: "verification" });

    const after = await scrape();
    expect(delta(before, after, "hub_devices_went_offline_total")).toBe(detected);
    expect(delta(before, after, "hub_notifications_total", { channel: "in_app", outcome: "sent" })).toBe(1);
    expect(delta(before, after, "hub_notifications_total", { channel: "email", outcome: "sent" })).toBe(1);
    expect(delta(before, after, "hub_notifications_total", { channel: "push", outcome: "sent" })).toBe(0);
    expect(delta(before, after, "hub_sms_total", { direction: "outbound", outcome: "sent" })).toBe(1);
    expect(delta(before, after, "hub_sms_cost_usd_total", { direction: "outbound" })).toBeCloseTo(tablePrice(to, 1), 9);
  });

  it("counts jobs per queue by outcome, timing each one", async () => {
    const suffix = randomBytes(4).toString("hex");
    const each = `metrics-probe-each-${suffix}`;
    const whole = `metrics-probe-batch-${suffix}`;
    await boss.createQueue(each, { name: each, retryLimit: 0 });
    await boss.createQueue(whole, { name: whole, retryLimit: 0 });
    const before = await scrape();

    // settleEach: one job fails alone, the other completes.
    await startWorker<{ fail: boolean }>(boss, each, { batchSize: 5, pollingIntervalSeconds: 0.5 }, (batch) =>
      settleEach(boss, each, batch, async (job) => {
        if (job.data.fail) throw new Error("probe failure");
      }),
    );
    // A plain handler that throws fails its whole batch.
    await startWorker(boss, whole, { pollingIntervalSeconds: 0.5 }, async () => {
      throw new Error("probe batch failure");
    });
    await boss.insert([
      { name: each, data: { fail: false } },
      { name: each, data: { fail: true } },
      { name: whole, data: {} },
    ]);
    const settled = async () => {
      const now = parseExposition((await renderMetrics()).body);
      return (
        delta(before, now, "hub_jobs_processed_total", { queue: each, outcome: "completed" }) +
          delta(before, now, "hub_jobs_processed_total", { queue: each, outcome: "failed" }) +
          delta(before, now, "hub_jobs_processed_total", { queue: whole, outcome: "failed" }) >=
        3
      );
    };
    await until(settled, "the probe jobs to run");
    // Let any stray double count land before the final scrape.
    await new Promise((resolve) => setTimeout(resolve, 1200));

    const after = await scrape();
    expect(delta(before, after, "hub_jobs_processed_total", { queue: each, outcome: "completed" })).toBe(1);
    expect(delta(before, after, "hub_jobs_processed_total", { queue: each, outcome: "failed" })).toBe(1);
    expect(delta(before, after, "hub_job_duration_seconds_count", { queue: each })).toBe(2);
    expect(delta(before, after, "hub_jobs_processed_total", { queue: whole, outcome: "failed" })).toBe(1);
    expect(delta(before, after, "hub_jobs_processed_total", { queue: whole, outcome: "completed" })).toBe(0);
    expect(delta(before, after, "hub_job_duration_seconds_count", { queue: whole })).toBe(1);
    await boss.offWork(each);
    await boss.offWork(whole);
  });

  it("reports open sockets per namespace, connections, refused handshakes, room messages and their fan-out", async () => {
    const server = await startRealtimeServer({ registrars: [registerRoomSockets] });
    setRealtimeServer(server.realtime.io);
    try {
      const erin = await makeUser();
      const roomId = await openRoom(erin);
      const before = await scrape();

      const socket = await connectClient(server.url, erin.key);
      await expect(connectClient(server.url, `mh_${randomBytes(20).toString("hex")}`)).rejects.toThrow();
      expect((await ack(socket, "room:join", { roomId })).ok).toBe(true);
      const sent = await ack<{ created: boolean }>(socket, "message:send", { roomId, content: "Rolling back the deploy", clientId: `c-${suffixOf()}` });
      expect(sent.ok && sent.created).toBe(true);
      const during = await scrape();
      expect(during.get(sampleKey("hub_socket_connections", { namespace: "/" }))).toBe(1);

      socket.disconnect();
      await until(async () => server.realtime.io.of("/").sockets.size === 0, "the socket to close");
      const after = await scrape();
      expect(after.get(sampleKey("hub_socket_connections", { namespace: "/" }))).toBe(0);
      expect(delta(before, after, "hub_socket_connects_total", { namespace: "/" })).toBe(1);
      expect(delta(before, after, "hub_auth_failures_total", { method: "api_key", reason: "invalid" })).toBe(1);
      expect(delta(before, after, "hub_room_messages_total", { type: "text" })).toBe(1);
      expect(delta(before, after, "hub_room_fanout_latency_seconds_count")).toBe(1);
      const fanout = delta(before, after, "hub_room_fanout_latency_seconds_sum");
      expect(fanout).toBeGreaterThan(0);
      expect(fanout).toBeLessThan(10);
    } finally {
      setRealtimeServer(undefined);
      await server.close();
    }
  });

  it("refuses a scrape without the token or an admin session, and takes the token", async () => {
    const member = await makeUser();
    expect((await call(metricsRoute, { path: "/api/metrics" })).status).toBe(401);
    expect((await call(metricsRoute, { path: "/api/metrics", headers: await browserHeaders(member.user) })).status).toBe(401);
    const saved = getConfig();
    const token = `metrics-${randomBytes(12).toString("hex")}`;
    setConfig({ ...saved, METRICS_TOKEN: token });
    try {
      expect((await call(metricsRoute, { path: "/api/metrics", headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      const scraped = await call(metricsRoute, { path: "/api/metrics", headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain("# TYPE hub_jobs_processed_total counter");
    } finally {
      setConfig(saved);
    }
  });

  it("serves the same registry on a worker's port, with the token only", async () => {
    const saved = getConfig();
    const token = `metrics-${randomBytes(12).toString("hex")}`;
    setConfig({ ...saved, METRICS_TOKEN: token });
    const server = createServer((req, res) => void handleWorkerRequest(req, res, { pool: getDatabase().pool, requestId: "req-metrics" }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/metrics`;
    try {
      const refused = await fetch(url);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
      const before = parseExposition(await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).text());
      await sendSms(getDb(), { userId: null, to: "+14155550199", body: "worker-side probe", kind: "message" });
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain");
      expect(delta(before, parseExposition(await res.text()), "hub_sms_total", { direction: "outbound", outcome: "sent" })).toBe(1);
    } finally {
      setConfig(saved);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

function suffixOf(): string {
  return randomBytes(4).toString("hex");
}
