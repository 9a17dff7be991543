import { and, eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as putPreferencesRoute } from "@/app/api/v1/notifications/preferences/route";
import { getConfig, setConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { devMailbox, notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { outboxEvents } from "@/lib/db/schema/platform";
import { users } from "@/lib/db/schema/users";
import { runConsumer } from "@/lib/jobs/dispatcher";
import { ingestMessages } from "@/lib/messages/ingest";
import { messageInputSchema } from "@/lib/messages/schemas";
import { createNotificationsConsumer } from "@/lib/notifications/consumer";
import { deliverChannel } from "@/lib/notifications/deliver";
import { notificationJobs } from "@/lib/notifications/jobs";
import { createTask } from "@/lib/tasks/create";
import { makeUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { startTestJobs } from "@/tests/helpers/jobs";

/** Quiet hours and grouping, driven by hand with a test clock on the shared database. */
let jobs: Awaited<ReturnType<typeof startTestJobs>>;
let boss: PgBoss;
const savedConfig = getConfig();
let now = new Date();
const consumer = createNotificationsConsumer({ now: () => now });

beforeAll(async () => {
  setConfig({ ...savedConfig, SMTP_URL: undefined });
  jobs = await startTestJobs({ registrars: [notificationJobs] });
  boss = jobs.boss;
});
afterAll(async () => {
  await jobs.stop();
  setConfig(savedConfig);
});

async function consume(type: string, key: string, value: string): Promise<void> {
  const events = await getDb().select({ id: outboxEvents.id }).from(outboxEvents).where(and(eq(outboxEvents.type, type), sql`${outboxEvents.data}->>${key} = ${value}`));
  expect(events).toHaveLength(1);
  await runConsumer(getDb(), consumer, events[0]!.id, { boss });
}

async function emailDelivery(notificationId: string) {
  const [row] = await getDb().select().from(notificationDeliveries).where(and(eq(notificationDeliveries.notificationId, notificationId), eq(notificationDeliveries.channel, "email")));
  return row!;
}

describe("quiet hours", () => {
  it("holds a notification that falls in quiet hours and delivers it after they end, in the user's timezone", async () => {
    const owner = await makeUser();
    const carol = await makeUser({ name: "Carol" });
    await getDb().update(users).set({ timezone: "America/New_York" }).where(eq(users.id, carol.user.id));
    const saved = await call(putPreferencesRoute, { method: "PUT", key: carol.key, body: { quietHours: { start: "22:00", end: "07:00" } } });
    expect(saved.status).toBe(200);
    expect(saved.body.schedule.quietHours).toEqual({ start: "22:00", end: "07:00" });

    // 23:00 in New York (EST, UTC-5).
    now = new Date("2031-01-15T04:00:00Z");
    const task = await createTask(getDb(), owner.user.id, { title: "Night assignment", assigneeId: carol.user.id });
    await consume("task.assigned", "taskId", task.id);
    const [notification] = await getDb().select().from(notifications).where(eq(notifications.eventId, (await getDb().select().from(outboxEvents).where(and(eq(outboxEvents.type, "task.assigned"), sql`${outboxEvents.data}->>'taskId' = ${task.id}`)))[0]!.id));
    const email = await emailDelivery(notification!.id);
    // Held until 07:00 local = 12:00 UTC, and its job starts then.
    expect(email.notBefore?.toISOString()).toBe("2031-01-15T12:00:00.000Z");
    const job = await getDb().execute(sql`select start_after from pgboss.job where name = 'notification-send' and data->>'deliveryId' = ${email.id}`);
    expect(new Date((job.rows[0] as { start_after: string }).start_after).toISOString()).toBe("2031-01-15T12:00:00.000Z");

    // Run early (03:00 local): nothing is sent.
    expect(await deliverChannel(getDb(), email.id, () => new Date("2031-01-15T08:00:00Z"))).toEqual({ outcome: "held", until: new Date("2031-01-15T12:00:00Z") });
    expect(await getDb().select().from(devMailbox).where(eq(devMailbox.to, carol.user.email))).toEqual([]);

    // After quiet hours: sent once.
    expect(await deliverChannel(getDb(), email.id, () => new Date("2031-01-15T12:01:00Z"))).toEqual({ outcome: "sent" });
    expect(await deliverChannel(getDb(), email.id, () => new Date("2031-01-15T12:02:00Z"))).toEqual({ outcome: "done" });
    const mail = await getDb().select().from(devMailbox).where(eq(devMailbox.to, carol.user.email));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain("Night assignment");
  });

  it("does not hold an urgent notification", async () => {
    const dana = await makeUser({ name: "Dana" });
    await call(putPreferencesRoute, { method: "PUT", key: dana.key, body: { quietHours: { start: "22:00", end: "07:00" }, channels: { "message.high_priority": { email: true } } } });
    now = new Date("2031-01-15T23:30:00Z");
    const [outcome] = await ingestMessages(getDb(), { userId: dana.user.id, deviceId: null, source: "api" }, [messageInputSchema.parse({ type: "sms", sender: "+15550111", body: "server down", priority: "urgent", receivedAt: now.toISOString() })]);
    await consume("message.received", "messageId", outcome!.message.id);
    const [notification] = await getDb().select().from(notifications).where(eq(notifications.userId, dana.user.id));
    expect(notification!.urgent).toBe(true);
    expect((await emailDelivery(notification!.id)).notBefore).toBeNull();
  });
});

describe("grouping", () => {
  it("collapses a burst of messages from one sender into one notification, and starts a new one after the window", async () => {
    const erin = await makeUser({ name: "Erin" });
    const base = new Date("2031-02-01T10:00:00Z").getTime();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      // Five within a few minutes, the sixth 10 minutes after the first.
      now = new Date(base + (i < 5 ? i * 40_000 : 10 * 60_000));
      const [outcome] = await ingestMessages(getDb(), { userId: erin.user.id, deviceId: null, source: "api" }, [
        messageInputSchema.parse({ type: "sms", sender: "+15550199", body: `alert ${i}`, priority: "high", receivedAt: now.toISOString() }),
      ]);
      ids.push(outcome!.message.id);
      await consume("message.received", "messageId", outcome!.message.id);
    }
    const rows = await getDb().select().from(notifications).where(eq(notifications.userId, erin.user.id)).orderBy(notifications.createdAt);
    expect(rows.map((r) => r.count)).toEqual([5, 1]);
    expect(rows[0]!.title).toBe("5 new messages from +15550199");
    expect(rows[1]!.title).toBe("High-priority sms from +15550199");
    // One push delivery per notification, not per message.
    const deliveries = await getDb().select().from(notificationDeliveries).where(eq(notificationDeliveries.channel, "push"));
    expect(deliveries.filter((d) => rows.some((r) => r.id === d.notificationId))).toHaveLength(2);
  });
});
