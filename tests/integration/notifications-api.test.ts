import { and, eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/v1/notifications/route";
import { POST as readRoute } from "@/app/api/v1/notifications/read/route";
import { GET as getPreferencesRoute, PUT as putPreferencesRoute } from "@/app/api/v1/notifications/preferences/route";
import { GET as unsubscribePageRoute, POST as unsubscribeRoute } from "@/app/api/v1/notifications/unsubscribe/route";
import { GET as mailboxRoute } from "@/app/api/v1/admin/mailbox/route";
import { DELETE as unsubscribePushRoute, GET as listPushRoute, POST as subscribePushRoute } from "@/app/api/v1/push/subscriptions/route";
import { POST as testPushRoute } from "@/app/api/v1/push/test/route";
import { pushSubscriptions } from "@/lib/db/schema/push";
import { getConfig, setConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { outboxEvents } from "@/lib/db/schema/platform";
import { runConsumer } from "@/lib/jobs/dispatcher";
import { ingestMessages } from "@/lib/messages/ingest";
import { messageInputSchema } from "@/lib/messages/schemas";
import { notificationsConsumer } from "@/lib/notifications/consumer";
import { deliverChannel } from "@/lib/notifications/deliver";
import { markRead } from "@/lib/notifications/list";
import { notificationJobs } from "@/lib/notifications/jobs";
import { detectOfflineDevices } from "@/lib/notifications/device-offline";
import { devices } from "@/lib/db/schema/inbox";
import { makeDevice } from "@/tests/helpers/inbox";
import { createTask } from "@/lib/tasks/create";
import { updateTask } from "@/lib/tasks/update";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { startTestJobs } from "@/tests/helpers/jobs";

/**
 * The notifications consumer and channels driven by hand on the shared
 * database (no workers), with email going to the dev mailbox (no SMTP_URL).
 */
let jobs: Awaited<ReturnType<typeof startTestJobs>>;
let boss: PgBoss;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
const savedConfig = getConfig();

beforeAll(async () => {
  setConfig({ ...savedConfig, SMTP_URL: undefined });
  jobs = await startTestJobs({ registrars: [notificationJobs] });
  boss = jobs.boss;
  [alice, bob, admin] = await Promise.all([makeUser({ name: "Alice" }), makeUser({ name: "Bob" }), makeUser({ role: "admin" })]);
});
// Unread notifications of a type collapse a burst (grouping); each test starts from a read slate.
beforeEach(async () => {
  for (const user of [alice, bob]) await markRead(getDb(), user.user.id, { all: true });
});
afterAll(async () => {
  await jobs.stop();
  setConfig(savedConfig);
});

/** Runs the consumer on the events of one type about one task (or message), then every pending channel delivery. */
async function deliver(type: string, key: { taskId?: string; messageId?: string }): Promise<void> {
  const db = getDb();
  const filter = key.taskId ? sql`${outboxEvents.data}->>'taskId' = ${key.taskId}` : sql`${outboxEvents.data}->>'messageId' = ${key.messageId!}`;
  const events = await db.select({ id: outboxEvents.id }).from(outboxEvents).where(and(eq(outboxEvents.type, type), filter));
  expect(events.length).toBeGreaterThan(0);
  for (const event of events) await runConsumer(db, notificationsConsumer, event.id, { boss });
  const pending = await db
    .select({ id: notificationDeliveries.id })
    .from(notificationDeliveries)
    .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
    .where(and(eq(notificationDeliveries.status, "pending"), sql`${notifications.eventId} in ${events.map((e) => e.id)}`));
  for (const row of pending) await deliverChannel(db, row.id);
}

async function mailboxFor(email: string): Promise<{ subject: string; text: string; html: string }[]> {
  const res = await call(mailboxRoute, { key: admin.key, query: { limit: 200 } });
  expect(res.status).toBe(200);
  return (res.body.data as { to: string; subject: string; text: string; html: string }[]).filter((mail) => mail.to === email);
}

describe("notifications", () => {
  it("notifies the assignee in-app and by email (dev mailbox), once, however often the consumer reruns", async () => {
    const task = await createTask(getDb(), alice.user.id, { title: "Renew the TLS certificate", assigneeId: bob.user.id });
    await deliver("task.assigned", { taskId: task.id });
    await deliver("task.assigned", { taskId: task.id });

    const list = await call(listRoute, { key: bob.key });
    expect(list.status).toBe(200);
    const mine = list.body.data.filter((n: { data: { taskId?: string } }) => n.data.taskId === task.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ type: "task.assigned", title: "Task assigned to you", body: "Renew the TLS certificate", readAt: null });
    expect(list.body.unread).toBeGreaterThanOrEqual(1);

    const mail = (await mailboxFor(bob.user.email)).filter((m) => m.text.includes("Renew the TLS certificate"));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.html).toContain("Unsubscribe");
    expect(mail[0]!.text).toMatch(/\/api\/v1\/notifications\/unsubscribe\?token=/);

    // Alice, who assigned it, gets nothing; and cannot see Bob's notifications.
    const aliceList = await call(listRoute, { key: alice.key });
    expect(aliceList.body.data.some((n: { data: { taskId?: string } }) => n.data.taskId === task.id)).toBe(false);
  });

  it("marks read only the caller's own notifications, and all at once", async () => {
    const task = await createTask(getDb(), alice.user.id, { title: "Rotate keys", assigneeId: bob.user.id });
    await deliver("task.assigned", { taskId: task.id });
    const [row] = await getDb().select().from(notifications).where(and(eq(notifications.userId, bob.user.id), sql`${notifications.data}->>'taskId' = ${task.id}`));

    const foreign = await call(readRoute, { method: "POST", key: alice.key, body: { ids: [row!.id] } });
    expect(foreign.status).toBe(200);
    expect(foreign.body.ids).toEqual([]);
    const [still] = await getDb().select().from(notifications).where(eq(notifications.id, row!.id));
    expect(still!.readAt).toBeNull();

    const own = await call(readRoute, { method: "POST", key: bob.key, body: { ids: [row!.id] } });
    expect(own.body.ids).toEqual([row!.id]);
    const all = await call(readRoute, { method: "POST", key: bob.key, body: { all: true } });
    expect(all.body.unread).toBe(0);
    const unread = await call(listRoute, { key: bob.key, query: { unread: "true" } });
    expect(unread.body.data).toEqual([]);

    const bad = await call(readRoute, { method: "POST", key: bob.key, body: { all: false } });
    expect(bad.status).toBe(422);
  });

  it("pages the list to the end with each notification once, ties within a millisecond included, and only the caller's", async () => {
    const carol = await makeUser();
    const dave = await makeUser();
    // Twelve notifications in one millisecond, microseconds apart, three of them at the very same instant, and one a second older.
    const stamps = ["123001", "123001", "123001", "123002", "123250", "123499", "123500", "123501", "123750", "123998", "123999", "123999"].map((us) => `2030-03-04 05:06:07.${us}+00`);
    stamps.push("2030-03-04 05:06:06.000000+00");
    const made = stamps.map((at, i) => ({ id: `ntf_page_${carol.user.id}_${String(i).padStart(2, "0")}`, at }));
    for (const { id, at } of made) {
      await getDb().insert(notifications).values({ id, userId: carol.user.id, type: "task.assigned", eventId: id, title: id, body: "", createdAt: sql`${at}::timestamptz`, updatedAt: sql`${at}::timestamptz` });
    }
    await getDb().insert(notifications).values({ id: `ntf_page_${dave.user.id}`, userId: dave.user.id, type: "task.assigned", eventId: "dave", title: "dave's", body: "", createdAt: sql`${stamps[5]}::timestamptz` });

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const res = await call(listRoute, { key: carol.key, query: { limit: "3", ...(cursor ? { cursor } : {}) } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.unread).toBe(made.length);
      seen.push(...res.body.data.map((n: { id: string }) => n.id));
      expect(res.body.hasMore).toBe(res.body.nextCursor !== null);
      if (!res.body.hasMore) break;
      cursor = res.body.nextCursor;
    }
    // Newest first; at the same instant, the larger id first.
    const expected = [...made].sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at))).map((n) => n.id);
    expect(seen).toEqual(expected);

    const first = await call(listRoute, { key: carol.key });
    expect(first.body).toMatchObject({ hasMore: false, nextCursor: null });
    expect(first.body.data).toHaveLength(made.length);
    for (const forged of ["garbage", Buffer.from("2030-03-04T05:06:07.123Z|ntf_x").toString("base64url"), Buffer.from(JSON.stringify({ v: 1, k: ["yesterday", "ntf_x"] })).toString("base64url")]) {
      const res = await call(listRoute, { key: carol.key, query: { cursor: forged } });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: "query.cursor" })]);
    }
    expect((await call(listRoute, { key: carol.key, query: { limit: "501" } })).status).toBe(422);
  });

  it("turning email off for a type sends no email but still notifies in-app", async () => {
    const before = await call(getPreferencesRoute, { key: bob.key });
    expect(before.body.preferences["task.assigned"]).toEqual({ in_app: true, push: true, email: true, sms: false });
    const put = await call(putPreferencesRoute, { method: "PUT", key: bob.key, body: { channels: { "task.assigned": { email: false } } } });
    expect(put.status).toBe(200);
    expect(put.body.preferences["task.assigned"]).toEqual({ in_app: true, push: true, email: false, sms: false });

    const task = await createTask(getDb(), alice.user.id, { title: "Quiet assignment", assigneeId: bob.user.id });
    await deliver("task.assigned", { taskId: task.id });
    const [row] = await getDb().select().from(notifications).where(and(eq(notifications.userId, bob.user.id), sql`${notifications.data}->>'taskId' = ${task.id}`));
    expect(row).toBeDefined();
    const channels = await getDb().select({ channel: notificationDeliveries.channel }).from(notificationDeliveries).where(eq(notificationDeliveries.notificationId, row!.id));
    expect(channels.map((c) => c.channel).sort()).toEqual(["in_app", "push"]);
    expect((await mailboxFor(bob.user.email)).some((m) => m.text.includes("Quiet assignment"))).toBe(false);

    await call(putPreferencesRoute, { method: "PUT", key: bob.key, body: { channels: { "task.assigned": { email: true } } } });
    const invalid = await call(putPreferencesRoute, { method: "PUT", key: bob.key, body: { channels: { "task.assigned": { fax: true } } } });
    expect(invalid.status).toBe(422);
  });

  it("notifies owner and assignee of a status change", async () => {
    const task = await createTask(getDb(), alice.user.id, { title: "Patch the VPN", assigneeId: bob.user.id });
    await updateTask(getDb(), alice.user.id, task.id, { status: "in_progress", version: task.version, scope: "this" });
    await deliver("task.status_changed", { taskId: task.id });
    const rows = await getDb().select().from(notifications).where(and(eq(notifications.type, "task.status_changed"), sql`${notifications.data}->>'taskId' = ${task.id}`));
    expect(rows.map((r) => r.userId).sort()).toEqual([alice.user.id, bob.user.id].sort());
    expect(rows[0]!.title).toBe("Task is now In progress");
  });

  it("notifies a high or urgent inbox message, not a normal one, without copying its body", async () => {
    const db = getDb();
    const ids: Record<string, string> = {};
    for (const priority of ["normal", "urgent"] as const) {
      const [outcome] = await ingestMessages(db, { userId: bob.user.id, deviceId: null, source: "api" }, [
        messageInputSchema.parse({ type: "sms", sender: "+15550100", body: `code 123456 ${priority}`, priority, receivedAt: new Date().toISOString() }),
      ]);
      ids[priority] = outcome!.message.id;
    }
    await deliver("message.received", { messageId: ids.normal });
    await deliver("message.received", { messageId: ids.urgent });
    const rows = await db.select().from(notifications).where(and(eq(notifications.userId, bob.user.id), eq(notifications.type, "message.high_priority")));
    const ours = rows.filter((r) => r.data.messageId === ids.urgent || r.data.messageId === ids.normal);
    expect(ours).toHaveLength(1);
    // The link opens the message's drawer in the inbox (?m=, as the inbox addresses it).
    expect(ours[0]).toMatchObject({ urgent: true, title: "Urgent sms from +15550100", url: `/inbox?m=${ids.urgent}` });
    expect(JSON.stringify(ours[0])).not.toContain("123456");

    // The dispatcher makes no notifications job for the normal message: its event says the priority.
    const events = await db.select().from(outboxEvents).where(and(eq(outboxEvents.type, "message.received"), eq(outboxEvents.userId, bob.user.id)));
    const mine = events.filter((event) => Object.values(ids).includes(String((event.data as { messageId?: string }).messageId)));
    expect(mine.map((event) => (event.data as { priority?: string }).priority).sort()).toEqual(["normal", "urgent"]);
    const claimed = mine.map((event) => ({ id: event.id, type: event.type, userId: event.userId, data: event.data as Record<string, unknown> }));
    const relevant = await db.transaction((tx) => notificationsConsumer.relevant!(tx, claimed));
    expect([...relevant]).toEqual(mine.filter((event) => (event.data as { priority: string }).priority === "urgent").map((event) => event.id));
  });

  it("an unsubscribe link turns email off for its type only, and a forged one is refused", async () => {
    const task = await createTask(getDb(), alice.user.id, { title: "Unsubscribe me", assigneeId: bob.user.id });
    await deliver("task.assigned", { taskId: task.id });
    const mail = (await mailboxFor(bob.user.email)).find((m) => m.text.includes("Unsubscribe me"));
    const token = decodeURIComponent(mail!.text.match(/unsubscribe\?token=(\S+)/)![1]!);

    const forged = token.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    const other = token.replace(bob.user.id, alice.user.id);
    for (const bad of [forged, other]) {
      expect((await call(unsubscribePageRoute, { query: { token: bad } })).status).toBe(404);
      expect((await call(unsubscribeRoute, { method: "POST", query: { token: bad } })).status).toBe(404);
    }

    // Opening the link (as a mail scanner would) only asks.
    const page = await call(unsubscribePageRoute, { query: { token } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.text).toContain("Task assigned");
    expect(page.text).toContain(`<form method="post" action="/api/v1/notifications/unsubscribe?token=${encodeURIComponent(token).replaceAll("&", "&amp;")}">`);
    expect((await call(getPreferencesRoute, { key: bob.key })).body.preferences["task.assigned"].email).toBe(true);

    // The button, or a mail client's one-click POST, turns it off.
    const res = await call(unsubscribeRoute, { method: "POST", query: { token }, headers: { "content-type": "application/x-www-form-urlencoded" }, rawBody: "List-Unsubscribe=One-Click" });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain("Unsubscribed");
    const prefs = await call(getPreferencesRoute, { key: bob.key });
    expect(prefs.body.preferences["task.assigned"].email).toBe(false);
    expect(prefs.body.preferences["webhook.disabled"].email).toBe(true);
  });

  it("announces a device that went offline once per outage", async () => {
    const db = getDb();
    const device = await makeDevice(bob, { name: "Bob's Pixel" });
    const now = new Date();
    await db.update(devices).set({ lastSeenAt: new Date(now.getTime() - 2 * 3_600_000) }).where(eq(devices.id, device.id));
    const eventsFor = () => db.select().from(outboxEvents).where(and(eq(outboxEvents.type, "device.offline"), sql`${outboxEvents.data}->>'deviceId' = ${device.id}`));

    await detectOfflineDevices(db, now);
    await detectOfflineDevices(db, new Date(now.getTime() + 60_000));
    expect(await eventsFor()).toHaveLength(1);
    await runConsumer(db, notificationsConsumer, (await eventsFor())[0]!.id, { boss });
    const [row] = await db.select().from(notifications).where(and(eq(notifications.userId, bob.user.id), eq(notifications.type, "device.offline")));
    expect(row!.title).toBe("Bob's Pixel went offline");

    // It came back, then went silent again: a new outage.
    await db.update(devices).set({ lastSeenAt: new Date(now.getTime() - 90 * 60_000) }).where(eq(devices.id, device.id));
    await detectOfflineDevices(db, now);
    expect(await eventsFor()).toHaveLength(2);
    // A device heard from recently is not offline.
    await db.update(devices).set({ lastSeenAt: now }).where(eq(devices.id, device.id));
    await detectOfflineDevices(db, now);
    expect(await eventsFor()).toHaveLength(2);
  });

  it("the dev mailbox is for admins only", async () => {
    const res = await call(mailboxRoute, { key: bob.key });
    expect(res.status).toBe(403);
  });

  it("refuses a phone's key: it cannot read notifications, change where they go, or subscribe a browser to them", async () => {
    const owner = await makeUser();
    const phone = await makeDevice(owner);
    const endpoint = { endpoint: "https://push.example/attacker", keys: { p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", auth: "tBHItJI5svbpez7KI4CCXg" } };
    const attempts = [
      await call(listRoute, { key: phone.key }),
      await call(readRoute, { method: "POST", key: phone.key, body: { all: true } }),
      await call(getPreferencesRoute, { key: phone.key }),
      await call(putPreferencesRoute, { method: "PUT", key: phone.key, body: { dailyDigest: false } }),
      await call(listPushRoute, { key: phone.key }),
      await call(subscribePushRoute, { method: "POST", key: phone.key, body: endpoint }),
      await call(unsubscribePushRoute, { method: "DELETE", key: phone.key, body: { endpoint: endpoint.endpoint } }),
      await call(testPushRoute, { method: "POST", key: phone.key }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status, attempt.text).toBe(403);
      expect(attempt.body.detail).toMatch(/device's API key/);
    }
    expect(await getDb().select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, owner.user.id))).toEqual([]);
    // The owner's own key still works.
    expect((await call(listRoute, { key: owner.key })).status).toBe(200);
  });
});
