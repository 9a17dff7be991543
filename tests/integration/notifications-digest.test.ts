import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, setConfig } from "@/lib/config/env";
import { getDatabase, setDatabase, type DatabaseHandle } from "@/lib/db/client";
import { devMailbox, notificationDeliveries, notificationSettings, notifications } from "@/lib/db/schema/notifications";
import { tasks } from "@/lib/db/schema/tasks";
import { users } from "@/lib/db/schema/users";
import { ingestMessages } from "@/lib/messages/ingest";
import { messageInputSchema } from "@/lib/messages/schemas";
import { deliverChannel } from "@/lib/notifications/deliver";
import { runDigests } from "@/lib/notifications/digest";
import type { Actor } from "@/lib/auth/actor";
import { createRoom } from "@/lib/rooms/create-room";
import { updateRoom } from "@/lib/rooms/update-room";
import { notificationJobs } from "@/lib/notifications/jobs";
import { updateSettings } from "@/lib/notifications/settings";
import { createTask } from "@/lib/tasks/create";
import { toFloating } from "@/lib/tasks/timezone";
import { createUser } from "@/lib/users/users";
import { startTestJobs } from "@/tests/helpers/jobs";
import { createPrivateDatabase } from "@/tests/helpers/private-database";

/**
 * Digests on a database of this file's own (the digest tick serves every
 * user), with a test clock around the 2031 European spring-forward
 * (Sunday 30 March: 08:00 Berlin is 07:00 UTC the day before, 06:00 UTC on it).
 */
let privateDb: Awaited<ReturnType<typeof createPrivateDatabase>>;
let shared: DatabaseHandle;
let jobs: Awaited<ReturnType<typeof startTestJobs>>;
const savedConfig = getConfig();

beforeAll(async () => {
  shared = getDatabase();
  privateDb = await createPrivateDatabase();
  setDatabase(privateDb.handle);
  setConfig({ ...savedConfig, SMTP_URL: undefined });
  jobs = await startTestJobs({ databaseUrl: privateDb.url, registrars: [notificationJobs] });
});
afterAll(async () => {
  await jobs.stop();
  setConfig(savedConfig);
  setDatabase(shared);
  await privateDb.drop();
});

async function digestsOf(userId: string) {
  return privateDb.handle.db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(notifications.createdAt);
}

async function sendPendingEmail(notificationId: string) {
  const db = privateDb.handle.db;
  const [email] = await db.select().from(notificationDeliveries).where(and(eq(notificationDeliveries.notificationId, notificationId), eq(notificationDeliveries.channel, "email")));
  expect(await deliverChannel(db, email!.id)).toEqual({ outcome: "sent" });
}

describe("digests", () => {
  it("sends the daily digest at 08:00 local on both sides of a DST change, with the right content; nothing when empty", async () => {
    const db = privateDb.handle.db;
    const frank = await createUser(db, { email: "frank@digest.test", name: "Frank", password: "correct horse battery", role: "member" });
    const gina = await createUser(db, { email: "gina@digest.test", name: "Gina", password: "correct horse battery", role: "member" });
    await db.update(users).set({ timezone: "Europe/Berlin" }).where(eq(users.id, frank.id));
    await db.update(users).set({ timezone: "America/New_York" }).where(eq(users.id, gina.id));
    const setAt = new Date("2031-03-28T12:00:00Z");
    await updateSettings(db, frank.id, {}, setAt);
    await updateSettings(db, gina.id, {}, setAt);

    await createTask(db, frank.id, { title: "Pay invoice", dueAt: "2031-03-29T10:00:00Z" }, { now: setAt });
    await createTask(db, frank.id, { title: "File report", dueAt: "2031-03-27T10:00:00Z" }, { now: setAt });
    await createTask(db, frank.id, { title: "Book flights", dueAt: "2031-04-01T10:00:00Z" }, { now: setAt });
    await createTask(db, frank.id, { title: "Next month", dueAt: "2031-04-20T10:00:00Z" }, { now: setAt });
    const done = await createTask(db, frank.id, { title: "Renew domain" }, { now: setAt });
    await db.update(tasks).set({ status: "done", completedAt: new Date("2031-03-28T15:00:00Z") }).where(eq(tasks.id, done.id));
    await ingestMessages(db, { userId: frank.id, deviceId: null, source: "api" }, [
      messageInputSchema.parse({ type: "sms", sender: "+15550123", body: "disk full", priority: "high", receivedAt: "2031-03-28T20:00:00Z" }),
    ]);

    // 07:55 Berlin (CET): not yet.
    await runDigests(db, new Date("2031-03-29T06:55:00Z"), jobs.boss);
    expect(await digestsOf(frank.id)).toEqual([]);

    // 08:00 Berlin = 07:00 UTC.
    await runDigests(db, new Date("2031-03-29T07:00:00Z"), jobs.boss);
    await runDigests(db, new Date("2031-03-29T07:05:00Z"), jobs.boss);
    let digests = await digestsOf(frank.id);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.type).toBe("digest.daily");
    expect(digests[0]!.title).toBe("Your day: 2031-03-29");
    expect(digests[0]!.body).toBe(
      [
        "Due today (1):",
        "- Pay invoice (2031-03-29 11:00)",
        "",
        "Overdue (1):",
        "- File report (2031-03-27 11:00)",
        "",
        "Due this week (1):",
        "- Book flights (2031-04-01 12:00)",
        "",
        "Completed yesterday (1):",
        "- Renew domain",
        "",
        "Unread high-priority messages: 1",
      ].join("\n"),
    );
    expect(toFloating(digests[0]!.createdAt, "Europe/Berlin").getUTCHours()).toBe(8);
    await sendPendingEmail(digests[0]!.id);
    const mail = await db.select().from(devMailbox).where(eq(devMailbox.to, "frank@digest.test"));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain("- Pay invoice");
    expect(mail[0]!.html).toContain("Pay invoice");

    // The next one is 08:00 CEST on the DST day = 06:00 UTC.
    const [settings] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, frank.id));
    expect(settings!.nextDailyAt!.toISOString()).toBe("2031-03-30T06:00:00.000Z");
    await runDigests(db, new Date("2031-03-30T05:55:00Z"), jobs.boss);
    expect(await digestsOf(frank.id)).toHaveLength(1);
    await runDigests(db, new Date("2031-03-30T06:00:00Z"), jobs.boss);
    digests = await digestsOf(frank.id);
    expect(digests).toHaveLength(2);
    expect(digests[1]!.title).toBe("Your day: 2031-03-30");
    expect(toFloating(digests[1]!.createdAt, "Europe/Berlin").getUTCHours()).toBe(8);
    // Sunday: "Pay invoice" is now overdue too; nothing was completed on Saturday.
    expect(digests[1]!.body).toContain("Overdue (2):");
    expect(digests[1]!.body).not.toContain("Completed yesterday");

    // Gina has nothing: her 08:00 EDT (12:00 UTC) passes without a digest, and her schedule moves on.
    await runDigests(db, new Date("2031-03-29T13:00:00Z"), jobs.boss);
    expect(await digestsOf(gina.id)).toEqual([]);
    const [ginaSettings] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, gina.id));
    expect(ginaSettings!.nextDailyAt!.toISOString()).toBe("2031-03-30T12:00:00.000Z");
    expect(await db.select().from(devMailbox).where(eq(devMailbox.to, "gina@digest.test"))).toEqual([]);
  });

  it("sends the weekly digest on the chosen day with completion stats and the trend", async () => {
    const db = privateDb.handle.db;
    const [frank] = await db.select().from(users).where(eq(users.email, "frank@digest.test"));
    // Monday 31 March 08:00 CEST = 06:00 UTC (the default day and time).
    await runDigests(db, new Date("2031-03-31T06:00:00Z"), jobs.boss);
    const weekly = (await digestsOf(frank!.id)).filter((n) => n.type === "digest.weekly");
    expect(weekly).toHaveLength(1);
    expect(weekly[0]!.body).toBe(["Completed this week: 1 (up 1 from last week)", "Created this week: 5", "Open: 4, of which overdue: 2"].join("\n"));
  });

  it("lists the open incidents the user is a member of (not resolved, not archived), most severe first; nothing once they are closed", async () => {
    const db = privateDb.handle.db;
    const hana = await createUser(db, { email: "hana@digest.test", name: "Hana", password: "correct horse battery", role: "member" });
    const ivan = await createUser(db, { email: "ivan@digest.test", name: "Ivan", password: "correct horse battery", role: "member" });
    await db.update(users).set({ timezone: "Europe/Berlin" }).where(eq(users.id, hana.id));
    await updateSettings(db, hana.id, { weeklyDigest: false }, new Date("2031-04-09T12:00:00Z"));
    const actor = (userId: string): Actor => ({ userId, role: "member", via: "apiKey", scopes: ["rooms:read", "rooms:write"] });
    const open = (by: string, title: string, severity: "sev1" | "sev2" | "sev3" | "sev4", members: string[]) =>
      createRoom(db, actor(by), { title, description: "", severity, status: "investigating", members: members.map((userId) => ({ userId, role: "participant" as const })) });

    const checkout = await open(ivan.id, "Checkout down", "sev1", [hana.id]);
    const search = await open(hana.id, "Slow search", "sev3", []);
    await updateRoom(db, actor(hana.id), search.id, { status: "monitoring" });
    const old = await open(ivan.id, "Old outage", "sev2", [hana.id]);
    await updateRoom(db, actor(ivan.id), old.id, { status: "resolved" });
    const drill = await open(hana.id, "Archived drill", "sev2", []);
    await updateRoom(db, actor(hana.id), drill.id, { status: "identified" });
    await updateRoom(db, actor(hana.id), drill.id, { archived: true });
    await open(ivan.id, "Not Hana's", "sev1", []);
    const minor = await open(ivan.id, "Flaky test runner", "sev4", [hana.id]);

    // 08:00 Berlin (CEST) on Thursday 10 April = 06:00 UTC.
    await runDigests(db, new Date("2031-04-10T06:00:00Z"), jobs.boss);
    let digests = await digestsOf(hana.id);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.title).toBe("Your day: 2031-04-10");
    expect(digests[0]!.body).toBe(["Open incidents (3):", "- [sev1] Checkout down (investigating)", "- [sev3] Slow search (monitoring)", "- [sev4] Flaky test runner (investigating)"].join("\n"));

    // All closed: the next morning's digest would be empty, so nothing is sent.
    await updateRoom(db, actor(ivan.id), checkout.id, { status: "resolved" });
    await updateRoom(db, actor(hana.id), search.id, { archived: true });
    await updateRoom(db, actor(ivan.id), minor.id, { status: "resolved" });
    await runDigests(db, new Date("2031-04-11T06:00:00Z"), jobs.boss);
    digests = await digestsOf(hana.id);
    expect(digests).toHaveLength(1);
    const [settings] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, hana.id));
    expect(settings!.nextDailyAt!.toISOString()).toBe("2031-04-12T06:00:00.000Z");
  });
});
