import { and, asc, eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as putPreferencesRoute } from "@/app/api/v1/notifications/preferences/route";
import { POST as addNumber } from "@/app/api/v1/phone-numbers/route";
import { DELETE as deleteNumber } from "@/app/api/v1/phone-numbers/[id]/route";
import { POST as verifyNumber } from "@/app/api/v1/phone-numbers/[id]/verify/route";
import { getConfig, setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { outboxEvents } from "@/lib/db/schema/platform";
import { smsOutbox, smsUsage } from "@/lib/db/schema/sms";
import { runConsumer } from "@/lib/jobs/dispatcher";
import { createNotificationsConsumer } from "@/lib/notifications/consumer";
import { deliverChannel, SMS_MAX_CHARS, smsText } from "@/lib/notifications/deliver";
import { markRead } from "@/lib/notifications/list";
import { notificationJobs } from "@/lib/notifications/jobs";
import { countSegments } from "@/lib/sms/segments";
import { createTask } from "@/lib/tasks/create";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { freshNumber, PUBLIC_URL, startFakeTwilio, TWILIO_NUMBER, useFakeTwilio, type FakeTwilio } from "@/tests/helpers/fake-twilio";
import { call } from "@/tests/helpers/http";
import { startTestJobs } from "@/tests/helpers/jobs";

/**
 * The SMS notification channel: opt-in per type, only to a verified number,
 * through the SMS router's provider (Twilio against the local fake, and the
 * console outbox), logged as SMS usage, held by quiet hours, sent once.
 */
let jobs: Awaited<ReturnType<typeof startTestJobs>>;
let boss: PgBoss;
let fake: FakeTwilio;
let saved: Config;
let now = new Date("2032-06-01T12:00:00Z");
const consumer = createNotificationsConsumer({ now: () => now });

beforeAll(async () => {
  fake = await startFakeTwilio();
  saved = useFakeTwilio(fake);
  jobs = await startTestJobs({ registrars: [notificationJobs] });
  boss = jobs.boss;
});
afterAll(async () => {
  await jobs.stop();
  setConfig(saved);
  await fake.close();
});

/** Assigns a task to `assignee` and runs the consumer on its event; returns the task and its notification. */
async function assign(owner: TestUser, assignee: TestUser, title: string) {
  const task = await createTask(getDb(), owner.user.id, { title, assigneeId: assignee.user.id });
  const [event] = await getDb()
    .select({ id: outboxEvents.id })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.type, "task.assigned"), sql`${outboxEvents.data}->>'taskId' = ${task.id}`));
  expect(await runConsumer(getDb(), consumer, event!.id, { boss })).toBe("handled");
  const [notification] = await getDb().select().from(notifications).where(and(eq(notifications.eventId, event!.id), eq(notifications.userId, assignee.user.id)));
  return { task, notification: notification! };
}

async function deliveriesOf(notificationId: string) {
  return getDb().select().from(notificationDeliveries).where(eq(notificationDeliveries.notificationId, notificationId)).orderBy(asc(notificationDeliveries.channel));
}

async function verifiedNumberFor(user: TestUser): Promise<{ id: string; number: string }> {
  const number = freshNumber();
  const added = await call(addNumber, { key: user.key, body: { phoneNumber: number } });
  expect(added.status).toBe(201);
  const verified = await call(verifyNumber, { key: user.key, params: { id: added.body.phoneNumber.id }, body: { code: fake.codeFor(number) } });
  expect(verified.status).toBe(200);
  return { id: added.body.phoneNumber.id as string, number };
}

describe("SMS notifications", () => {
  it("are off by default, need a verified number, go through Twilio once, count as SMS usage, and wait for quiet hours", async () => {
    const [owner, ann, ben] = await Promise.all([makeUser({ name: "Olga" }), makeUser({ name: "Ann" }), makeUser({ name: "Ben" })]);

    // Turning SMS on without a verified number is refused, and changes nothing.
    const refused = await call(putPreferencesRoute, { method: "PUT", key: ann.key, body: { channels: { "task.assigned": { sms: true, email: false } } } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: "body.channels.task.assigned.sms", message: "needs a verified phone number", code: "phone_not_verified" }]);

    const { number } = await verifiedNumberFor(ann);
    await verifiedNumberFor(ben);
    const put = await call(putPreferencesRoute, { method: "PUT", key: ann.key, body: { channels: { "task.assigned": { sms: true, email: false, push: false } } } });
    expect(put.status).toBe(200);
    expect(put.body.preferences["task.assigned"]).toEqual({ in_app: true, push: false, email: false, sms: true });

    // Ben has a verified number but never turned SMS on: no SMS delivery at all.
    const forBen = await assign(owner, ben, "Check the generator");
    expect((await deliveriesOf(forBen.notification.id)).map((d) => d.channel)).toEqual(["email", "in_app", "push"]);

    const sentBefore = fake.sent.length;
    const { task, notification } = await assign(owner, ann, "Replace the UPS battery");
    const [inApp, sms] = await deliveriesOf(notification.id);
    expect([inApp!.channel, inApp!.status, sms!.channel, sms!.status]).toEqual(["in_app", "sent", "sms", "pending"]);
    // The job that sends it is queued with the delivery.
    const job = await getDb().execute(sql`select count(*)::int as n from pgboss.job where name = 'notification-send' and data->>'deliveryId' = ${sms!.id}`);
    expect((job.rows[0] as { n: number }).n).toBe(1);

    expect(await deliverChannel(getDb(), sms!.id, () => now)).toEqual({ outcome: "sent" });
    expect(await deliverChannel(getDb(), sms!.id, () => now)).toEqual({ outcome: "done" });
    expect(fake.sent.length).toBe(sentBefore + 1);
    const text = fake.sent.at(-1)!;
    expect({ to: text.to, from: text.from, body: text.body }).toEqual({
      to: number,
      from: TWILIO_NUMBER,
      body: `Message Hub: Task assigned to you\nReplace the UPS battery\n${PUBLIC_URL}/tasks?task=${task.id}`,
    });
    const [row] = await getDb().select().from(notificationDeliveries).where(eq(notificationDeliveries.id, sms!.id));
    expect(row).toMatchObject({ status: "sent", detail: `sms ${text.sid}`, attempts: 1 });
    const usage = await getDb().select().from(smsUsage).where(and(eq(smsUsage.number, number), eq(smsUsage.kind, "notification")));
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ userId: ann.user.id, direction: "outbound", messageSid: text.sid, outcome: "sent", encoding: "GSM-7", segments: 1, price: 0.0079, priceSource: "twilio" });

    // Quiet hours hold the SMS like push and email: 22:00–07:00 UTC, assigned at 23:00.
    expect((await call(putPreferencesRoute, { method: "PUT", key: ann.key, body: { quietHours: { start: "22:00", end: "07:00" } } })).status).toBe(200);
    await markRead(getDb(), ann.user.id, { all: true });
    now = new Date("2032-06-01T23:00:00Z");
    const night = await assign(owner, ann, "Night shift handover");
    const held = (await deliveriesOf(night.notification.id)).find((d) => d.channel === "sms")!;
    expect(held.notBefore?.toISOString()).toBe("2032-06-02T07:00:00.000Z");
    expect(await deliverChannel(getDb(), held.id, () => new Date("2032-06-02T03:00:00Z"))).toEqual({ outcome: "held", until: new Date("2032-06-02T07:00:00Z") });
    expect(fake.sent.length).toBe(sentBefore + 1);
    expect(await deliverChannel(getDb(), held.id, () => new Date("2032-06-02T07:00:00Z"))).toEqual({ outcome: "sent" });
    expect(fake.sent.length).toBe(sentBefore + 2);
    expect(fake.sent.at(-1)!.body).toBe(`Message Hub: Task assigned to you\nNight shift handover\n${PUBLIC_URL}/tasks?task=${night.task.id}`);
  });

  it("goes to the console outbox with the console provider, and is skipped once the number is removed", async () => {
    const [owner, cleo] = await Promise.all([makeUser({ name: "Olga" }), makeUser({ name: "Cleo" })]);
    const { id, number } = await verifiedNumberFor(cleo);
    expect((await call(putPreferencesRoute, { method: "PUT", key: cleo.key, body: { channels: { "task.assigned": { sms: true } } } })).status).toBe(200);
    setConfig({ ...getConfig(), SMS_PROVIDER: "console" });
    try {
      now = new Date("2032-06-03T12:00:00Z");
      const sentBefore = fake.sent.length;
      const first = await assign(owner, cleo, "Swap the router");
      const sms = (await deliveriesOf(first.notification.id)).find((d) => d.channel === "sms")!;
      expect(await deliverChannel(getDb(), sms.id, () => now)).toEqual({ outcome: "sent" });
      expect(fake.sent.length).toBe(sentBefore);
      const outbox = await getDb().select({ to: smsOutbox.to, body: smsOutbox.body }).from(smsOutbox).where(eq(smsOutbox.to, number));
      expect(outbox).toEqual([{ to: number, body: `Message Hub: Task assigned to you\nSwap the router\n${PUBLIC_URL}/tasks?task=${first.task.id}` }]);

      // No verified number any more: the delivery is skipped, nothing is sent anywhere.
      expect((await call(deleteNumber, { method: "DELETE", key: cleo.key, params: { id } })).status).toBe(204);
      await markRead(getDb(), cleo.user.id, { all: true });
      const second = await assign(owner, cleo, "Label the cables");
      const skipped = (await deliveriesOf(second.notification.id)).find((d) => d.channel === "sms")!;
      expect(await deliverChannel(getDb(), skipped.id, () => now)).toEqual({ outcome: "skipped" });
      expect(await deliverChannel(getDb(), skipped.id, () => now)).toEqual({ outcome: "done" });
      const [row] = await getDb().select().from(notificationDeliveries).where(eq(notificationDeliveries.id, skipped.id));
      expect(row).toMatchObject({ status: "skipped", detail: "no verified phone number", sentAt: null });
      expect(await getDb().select().from(smsOutbox).where(eq(smsOutbox.to, number))).toHaveLength(1);
      expect(fake.sent.length).toBe(sentBefore);
    } finally {
      setConfig({ ...getConfig(), SMS_PROVIDER: "twilio" });
    }
  });

  it("keeps a long notification within two GSM-7 segments, link intact", () => {
    const link = `${PUBLIC_URL}/rooms/room_1?message=rmsg_1`;
    const body = `Status investigating → identified … ${"word ".repeat(100)}`;
    const text = smsText("Payments down is now identified", body, link);
    expect(text.length).toBe(SMS_MAX_CHARS);
    expect(text.startsWith("Message Hub: Payments down is now identified\nStatus investigating -> identified ... word word")).toBe(true);
    expect(text.endsWith(`...\n${link}`)).toBe(true);
    expect(countSegments(text)).toEqual({ encoding: "GSM-7", segments: 2, units: 306 });
    // A short one is untouched, one segment.
    expect(smsText("Task assigned to you", "Swap the router", "https://hub.example.com/tasks")).toBe("Message Hub: Task assigned to you\nSwap the router\nhttps://hub.example.com/tasks");
  });
});
