import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as putPreferencesRoute } from "@/app/api/v1/notifications/preferences/route";
import { getDb } from "@/lib/db/client";
import { notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { outboxEvents } from "@/lib/db/schema/platform";
import { runConsumer } from "@/lib/jobs/dispatcher";
import { createNotificationsConsumer } from "@/lib/notifications/consumer";
import { markRead } from "@/lib/notifications/list";
import { notificationJobs } from "@/lib/notifications/jobs";
import { createRoom } from "@/lib/rooms/create-room";
import { deleteMessage } from "@/lib/rooms/delete-message";
import { editMessage } from "@/lib/rooms/edit-message";
import { removeMember } from "@/lib/rooms/members";
import { postMessage } from "@/lib/rooms/post-message";
import { updateRoom } from "@/lib/rooms/update-room";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { startTestJobs } from "@/tests/helpers/jobs";
import { actorOf } from "@/tests/helpers/rooms";

/**
 * Incident-room notifications: @mentions (validated against the members;
 * an edit notifies only the newly mentioned) and status/severity changes
 * (every member but the one who made it), through the outbox consumer with
 * a test clock on the shared database.
 */
let jobs: Awaited<ReturnType<typeof startTestJobs>>;
let boss: PgBoss;
let now = new Date("2032-05-10T10:00:00Z");
const consumer = createNotificationsConsumer({ now: () => now });

beforeAll(async () => {
  jobs = await startTestJobs({ registrars: [notificationJobs] });
  boss = jobs.boss;
});
afterAll(async () => {
  await jobs.stop();
});

/** Runs the consumer on every outbox event of `types` about this room, oldest first; returns the event types it ran. */
async function consumeRoom(roomId: string, types: string[]): Promise<string[]> {
  const events = await getDb()
    .select({ id: outboxEvents.id, type: outboxEvents.type })
    .from(outboxEvents)
    .where(and(inArray(outboxEvents.type, types), sql`${outboxEvents.data}->>'roomId' = ${roomId}`))
    .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id));
  const ran: string[] = [];
  for (const event of events) if ((await runConsumer(getDb(), consumer, event.id, { boss })) === "handled") ran.push(event.type);
  return ran;
}

async function notificationsOf(user: TestUser) {
  return getDb().select().from(notifications).where(eq(notifications.userId, user.user.id)).orderBy(asc(notifications.createdAt), asc(notifications.id));
}

async function channelsOf(notificationId: string) {
  const rows = await getDb().select().from(notificationDeliveries).where(eq(notificationDeliveries.notificationId, notificationId));
  return Object.fromEntries(rows.map((row) => [row.channel, { status: row.status, notBefore: row.notBefore?.toISOString() ?? null }]));
}

async function mentionEvents(messageId: string) {
  const rows = await getDb()
    .select({ userId: outboxEvents.userId, data: outboxEvents.data })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.type, "room.mention"), sql`${outboxEvents.data}->>'messageId' = ${messageId}`))
    .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id));
  return rows;
}

describe("room.mention", () => {
  it("notifies each validated @mention once; an edit notifies only the newly mentioned; preferences apply", async () => {
    const [alice, bob, carol, dave, erin, frank] = await Promise.all([
      makeUser({ name: "Alice" }),
      makeUser({ name: "Bob" }),
      makeUser({ name: "Carol" }),
      makeUser({ name: "Dave" }),
      makeUser({ name: "Erin" }),
      makeUser({ name: "Frank" }),
    ]);
    const title = `Checkout errors ${Date.now()}`;
    const room = await createRoom(getDb(), actorOf(alice), {
      title,
      description: "",
      severity: "sev2",
      status: "investigating",
      members: [
        { userId: bob.user.id, role: "participant" },
        { userId: carol.user.id, role: "participant" },
        { userId: dave.user.id, role: "observer" },
        { userId: frank.user.id, role: "participant" },
      ],
    });
    // Frank wants no mention notifications at all.
    expect((await call(putPreferencesRoute, { method: "PUT", key: frank.key, body: { channels: { "room.mention": { in_app: false, push: false } } } })).status).toBe(200);

    // Erin is not a member, an email address is not a mention, and the author's own @ is not an event.
    const content = "@bob @Carol please check the payment logs; cc @erin @frank @alice and ops@example.com";
    const { message } = await postMessage(getDb(), actorOf(alice), room.id, { type: "text", content, clientId: "m1" });
    expect(message.mentions).toEqual([bob.user.id, carol.user.id, frank.user.id, alice.user.id]);
    // One statement writes a message's events (same timestamp): compare them as sets.
    expect((await mentionEvents(message.id)).map((e) => e.userId).sort()).toEqual([bob.user.id, carol.user.id, frank.user.id].sort());

    expect(await consumeRoom(room.id, ["room.mention"])).toEqual(["room.mention", "room.mention", "room.mention"]);
    for (const user of [bob, carol]) {
      const rows = await notificationsOf(user);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        type: "room.mention",
        title: `Alice mentioned you in ${title}`,
        body: content,
        url: `/rooms/${room.id}?message=${message.id}`,
        urgent: false,
        count: 1,
        groupKey: `room:${room.id}`,
      });
      expect(rows[0]!.data).toEqual({ roomId: room.id, messageId: message.id, seq: message.seq, authorId: alice.user.id, roomTitle: title, edited: false });
      // The defaults for a mention: in-app (sent at once) and push (a job); no email, no SMS.
      expect(await channelsOf(rows[0]!.id)).toEqual({ in_app: { status: "sent", notBefore: null }, push: { status: "pending", notBefore: null } });
    }
    for (const user of [alice, dave, erin, frank]) expect(await notificationsOf(user)).toEqual([]);

    // The edit adds Dave and keeps Bob and Carol: one new event, for Dave only.
    now = new Date(now.getTime() + 60_000);
    const edited = await editMessage(getDb(), actorOf(alice), room.id, message.id, { content: "@bob @carol @dave please check the payment logs" });
    expect(edited.mentions).toEqual([bob.user.id, carol.user.id, dave.user.id]);
    const events = await mentionEvents(message.id);
    expect(events.map((e) => e.userId).sort()).toEqual([bob.user.id, carol.user.id, frank.user.id, dave.user.id].sort());
    expect(events.find((e) => e.userId === dave.user.id)!.data).toMatchObject({ edited: true });
    expect(events.filter((e) => (e.data as { edited?: boolean }).edited === true)).toHaveLength(1);
    expect(await consumeRoom(room.id, ["room.mention"])).toEqual(["room.mention"]);
    const daves = await notificationsOf(dave);
    expect(daves).toHaveLength(1);
    expect(daves[0]).toMatchObject({ type: "room.mention", title: `Alice mentioned you in ${title}`, body: "@bob @carol @dave please check the payment logs", count: 1 });
    expect(daves[0]!.data).toMatchObject({ edited: true });
    // Bob and Carol heard once: their notification did not grow.
    for (const user of [bob, carol]) expect((await notificationsOf(user)).map((n) => n.count)).toEqual([1]);
  });

  it("collapses a burst of mentions in one room, quotes at most 140 characters, and sends nothing for a message deleted before delivery", async () => {
    const [alice, bob] = await Promise.all([makeUser({ name: "Alice" }), makeUser({ name: "Bob" })]);
    const title = `Latency ${Date.now()}`;
    const room = await createRoom(getDb(), actorOf(alice), { title, description: "", severity: "sev3", status: "investigating", members: [{ userId: bob.user.id, role: "participant" }] });
    now = new Date("2032-05-11T09:00:00Z");
    const long = `@bob ${"x".repeat(200)}`;
    await postMessage(getDb(), actorOf(alice), room.id, { type: "text", content: long, clientId: "a" });
    await postMessage(getDb(), actorOf(alice), room.id, { type: "text", content: "@bob second", clientId: "b" });
    await postMessage(getDb(), actorOf(alice), room.id, { type: "text", content: "@bob third", clientId: "c" });
    expect(await consumeRoom(room.id, ["room.mention"])).toHaveLength(3);
    let rows = await notificationsOf(bob);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ count: 3, title: `3 mentions in ${title}`, body: "Latest: @bob third", url: `/rooms/${room.id}` });

    // Read, then a longer quote: cut to 140 characters with an ellipsis.
    await markRead(getDb(), bob.user.id, { all: true });
    now = new Date(now.getTime() + 60_000);
    await postMessage(getDb(), actorOf(alice), room.id, { type: "text", content: long, clientId: "d" });
    expect(await consumeRoom(room.id, ["room.mention"])).toHaveLength(1);
    rows = await notificationsOf(bob);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.body).toBe(`@bob ${"x".repeat(134)}…`);
    expect(rows[1]!.body).toHaveLength(140);

    // Deleted between the commit and the consumer: nothing is sent.
    const { message } = await postMessage(getDb(), actorOf(alice), room.id, { type: "text", content: "@bob oops, wrong room", clientId: "e" });
    await deleteMessage(getDb(), actorOf(alice), room.id, message.id);
    expect(await consumeRoom(room.id, ["room.mention"])).toEqual(["room.mention"]);
    expect(await notificationsOf(bob)).toHaveLength(2);
  });
});

describe("room.status_changed", () => {
  it("notifies every member but the one who changed it, once per update; sev1 is urgent and skips quiet hours", async () => {
    const [alice, bob, carol, dave, erin] = await Promise.all([makeUser({ name: "Alice" }), makeUser({ name: "Bob" }), makeUser({ name: "Carol" }), makeUser({ name: "Dave" }), makeUser({ name: "Erin" })]);
    const title = `Payments down ${Date.now()}`;
    const room = await createRoom(getDb(), actorOf(alice), {
      title,
      description: "",
      severity: "sev2",
      status: "investigating",
      members: [
        { userId: bob.user.id, role: "scribe" },
        { userId: carol.user.id, role: "participant" },
        { userId: dave.user.id, role: "observer" },
      ],
    });
    // Dave has quiet hours all day (UTC), so his push is held unless urgent.
    expect((await call(putPreferencesRoute, { method: "PUT", key: dave.key, body: { quietHours: { start: "00:00", end: "23:59" } } })).status).toBe(200);

    // 1. Status only, by Alice.
    now = new Date("2032-05-12T12:00:00Z");
    await updateRoom(getDb(), actorOf(alice), room.id, { status: "identified" });
    expect(await consumeRoom(room.id, ["room.status_changed", "room.severity_changed"])).toEqual(["room.status_changed"]);
    for (const user of [bob, carol, dave]) {
      const rows = await notificationsOf(user);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ type: "room.status_changed", title: `${title} is now identified`, body: "Status investigating → identified by Alice.", url: `/rooms/${room.id}`, urgent: false });
      expect(rows[0]!.data).toEqual({ roomId: room.id, roomTitle: title, status: "identified", severity: "sev2", from: "investigating", to: "identified", kind: "status" });
    }
    for (const user of [alice, erin]) expect(await notificationsOf(user)).toEqual([]);
    expect((await channelsOf((await notificationsOf(dave))[0]!.id)).push).toEqual({ status: "pending", notBefore: "2032-05-12T23:59:00.000Z" });

    // 2. Severity only, by Bob (the scribe): one room.severity_changed event; Alice hears, Bob does not.
    // Carol left hers unread, so it grows into a burst; the others read theirs.
    for (const user of [bob, dave]) await markRead(getDb(), user.user.id, { all: true });
    now = new Date(now.getTime() + 60_000);
    await updateRoom(getDb(), actorOf(bob), room.id, { severity: "sev1" });
    expect(await consumeRoom(room.id, ["room.status_changed", "room.severity_changed"])).toEqual(["room.severity_changed"]);
    const alices = await notificationsOf(alice);
    expect(alices).toHaveLength(1);
    expect(alices[0]).toMatchObject({ title: `${title} is now sev1`, body: "Severity sev2 → sev1 by Bob.", urgent: true });
    expect(alices[0]!.data).toMatchObject({ kind: "severity", from: "sev2", to: "sev1", status: "identified", severity: "sev1" });
    expect((await notificationsOf(bob)).map((n) => n.title)).toEqual([`${title} is now identified`]);
    const carols = await notificationsOf(carol);
    expect(carols).toHaveLength(1);
    expect(carols[0]).toMatchObject({ count: 2, title: `2 changes to ${title}`, body: "Now: identified, sev1", urgent: true });
    const daves = await notificationsOf(dave);
    expect(daves).toHaveLength(2);
    // Urgent: not held by Dave's quiet hours.
    expect((await channelsOf(daves[1]!.id)).push).toEqual({ status: "pending", notBefore: null });

    // 3. Status and severity together: one event, one notification saying both.
    for (const user of [alice, carol, dave]) await markRead(getDb(), user.user.id, { all: true });
    now = new Date(now.getTime() + 60_000);
    await updateRoom(getDb(), actorOf(alice), room.id, { status: "monitoring", severity: "sev3" });
    expect(await consumeRoom(room.id, ["room.status_changed", "room.severity_changed"])).toEqual(["room.status_changed"]);
    const latest = (await notificationsOf(carol)).at(-1)!;
    expect(latest).toMatchObject({ title: `${title} is now monitoring`, body: "Status identified → monitoring, severity sev1 → sev3 by Alice.", urgent: false, count: 1 });
    const statusEvents = await getDb()
      .select({ data: outboxEvents.data })
      .from(outboxEvents)
      .where(and(eq(outboxEvents.type, "room.status_changed"), sql`${outboxEvents.data}->>'roomId' = ${room.id}`))
      .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id));
    expect(statusEvents.map((e) => e.data)).toEqual([
      { roomId: room.id, title, from: "investigating", to: "identified", severity: "sev2", changedBy: alice.user.id },
      { roomId: room.id, title, from: "identified", to: "monitoring", severity: "sev3", severityFrom: "sev1", changedBy: alice.user.id },
    ]);

    // A member who left hears nothing more.
    await markRead(getDb(), bob.user.id, { all: true });
    await removeMember(getDb(), actorOf(alice), room.id, carol.user.id);
    now = new Date(now.getTime() + 60_000);
    await updateRoom(getDb(), actorOf(alice), room.id, { status: "resolved" });
    expect(await consumeRoom(room.id, ["room.status_changed"])).toEqual(["room.status_changed"]);
    expect(await notificationsOf(carol)).toHaveLength(2);
    expect((await notificationsOf(bob)).at(-1)).toMatchObject({ title: `${title} is now resolved`, body: "Status monitoring → resolved by Alice." });
  });

  it("honours the preferences matrix: a member who turned the type off gets nothing", async () => {
    const [alice, bob] = await Promise.all([makeUser({ name: "Alice" }), makeUser({ name: "Bob" })]);
    const room = await createRoom(getDb(), actorOf(alice), { title: `Quiet room ${Date.now()}`, description: "", severity: "sev4", status: "investigating", members: [{ userId: bob.user.id, role: "participant" }] });
    const put = await call(putPreferencesRoute, { method: "PUT", key: bob.key, body: { channels: { "room.status_changed": { in_app: false, push: false } } } });
    expect(put.body.preferences["room.status_changed"]).toEqual({ in_app: false, push: false, email: false, sms: false });
    now = new Date("2032-05-13T08:00:00Z");
    await updateRoom(getDb(), actorOf(alice), room.id, { status: "identified" });
    expect(await consumeRoom(room.id, ["room.status_changed"])).toEqual(["room.status_changed"]);
    expect(await notificationsOf(bob)).toEqual([]);
  });
});
