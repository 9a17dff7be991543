import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as messagesRoute } from "@/app/api/v1/analytics/messages/route";
import { GET as devicesRoute } from "@/app/api/v1/analytics/devices/route";
import { GET as roomsRoute } from "@/app/api/v1/analytics/rooms/route";
import { GET as tasksRoute } from "@/app/api/v1/analytics/tasks/route";
import { GET as usersRoute } from "@/app/api/v1/analytics/users/route";
import { GET as systemRoute } from "@/app/api/v1/analytics/system/route";
import { GET as insightsRoute } from "@/app/api/v1/analytics/insights/route";
import { flushActivity, forgetActivity } from "@/lib/analytics/activity";
import { runAnalyticsJob } from "@/lib/analytics/jobs";
import { addDays, utcDay, weekOf } from "@/lib/analytics/range";
import { rolledThrough, runRollup } from "@/lib/analytics/rollup";
import { histogramQuantile } from "@/lib/analytics/system";
import { getDb } from "@/lib/db/client";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { inIsolatedDatabase, isolatedDatabase, usingDatabase } from "@/tests/helpers/isolated-database";

/**
 * The analytics endpoints over a known dataset in a database of their own,
 * so every total is exact: first from the raw tables alone, then from the
 * rollups after the first run's backfill (the same numbers), then with more
 * data arriving today (served live), then with today rolled up too.
 */
let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
beforeAll(async () => {
  isolated = await isolatedDatabase();
});
afterAll(async () => {
  await flushActivity();
  await isolated.close();
});

const today = utcDay(new Date());
const D = (n: number) => addDays(today, -n);
const at = (day: string, time: string) => new Date(`${day}T${time}Z`);
const todayAt = (seconds: number) => new Date(Date.parse(`${today}T00:00:00Z`) + seconds * 1000);

type Seeded = { admin: TestUser; ann: TestUser; bob: TestUser };

let n = 0;
async function message(userId: string, deviceId: string | null, type: string, sender: string, created: Date, latencyMs: number, read: boolean, position: number) {
  n += 1;
  const received = new Date(created.getTime() - latencyMs);
  await getDb().execute(sql`insert into messages (id, user_id, device_id, source, fingerprint, type, sender, body, received_at, read_at, change_position, created_at, updated_at)
    values (${`msg_seed${n}`}, ${userId}, ${deviceId}, 'api', ${`fp${n}`}, ${type}, ${sender}, 'body', ${received}, ${read ? created : null}, ${position}, ${created}, ${created})`);
}

async function task(id: string, owner: string, assignee: string | null, created: Date, due: Date | null, completed: Date | null) {
  await getDb().execute(sql`insert into tasks (id, user_id, assignee_id, title, status, due_at, timezone, completed_at, created_at, updated_at)
    values (${id}, ${owner}, ${assignee}, ${id}, ${completed ? "done" : "todo"}, ${due}, 'UTC', ${completed}, ${created}, ${created})`);
}

async function room(id: string, title: string, severity: string, status: string, by: string, created: Date) {
  await getDb().execute(sql`insert into rooms (id, title, severity, status, commander_id, created_by, created_at, updated_at) values (${id}, ${title}, ${severity}, ${status}, ${by}, ${by}, ${created}, ${created})`);
}

const seqs = new Map<string, number>();
async function roomMessage(roomId: string, author: string, created: Date, system?: Record<string, string>) {
  const seq = (seqs.get(roomId) ?? 0) + 1;
  seqs.set(roomId, seq);
  await getDb().execute(sql`insert into room_messages (id, room_id, seq, author_id, type, content, data, change_seq, created_at, updated_at)
    values (${`rm_${roomId}_${seq}`}, ${roomId}, ${seq}, ${author}, ${system ? "system" : "text"}, 'hello', ${system ? JSON.stringify(system) : null}::jsonb, ${seq}, ${created}, ${created})`);
}

async function seed(): Promise<Seeded> {
  const admin = await makeUser({ role: "admin", name: "Ada Admin" });
  const ann = await makeUser({ name: "Ann" });
  const bob = await makeUser({ name: "Bob" });
  const db = getDb();
  const A = ann.user.id;
  const B = bob.user.id;
  const now = new Date();

  // Devices: one online, one stale, one never seen, one revoked (not counted).
  await db.execute(sql`insert into devices (id, user_id, name, last_seen_at, sync_position, sync_acked_at, revoked_at) values
    ('dev_annpixel', ${A}, 'Ann Pixel', ${now}, 7, ${now}, null),
    ('dev_anntablet', ${A}, 'Ann Tablet', ${new Date(now.getTime() - 30 * 60_000)}, 4, ${at(D(1), "11:00:00")}, null),
    ('dev_bobphone', ${B}, 'Bob Phone', null, null, null, null),
    ('dev_gone', ${B}, 'Gone', ${now}, null, null, ${now})`);

  // Messages: Ann's change positions 1–7 in ingest order.
  for (let i = 1; i <= 3; i++) await message(A, "dev_annpixel", "sms", "+15550001", at(D(2), "10:00:00"), 1000, true, i);
  await message(A, "dev_annpixel", "notification", "Slack", at(D(2), "10:00:00"), 3000, false, 4);
  await message(B, null, "email", "boss@example.test", at(D(2), "10:00:00"), 0, true, 1);
  await message(B, null, "email", "boss@example.test", at(D(2), "10:00:00"), 0, true, 2);
  await message(A, "dev_anntablet", "sms", "+15550001", at(D(1), "10:00:00"), 2000, true, 5);
  await message(A, "dev_anntablet", "sms", "+15550001", at(D(1), "10:00:00"), 2000, true, 6);
  await message(B, null, "sms", "+15550002", at(D(1), "10:00:00"), 500, true, 3);
  await message(A, "dev_annpixel", "call", "+15550003", todayAt(10), 4000, true, 7);
  await message(B, null, "chat", "Team", todayAt(10), 100, false, 4);
  await message(B, null, "sms", "+15550004", at(D(10), "10:00:00"), 0, false, 5);
  await db.execute(sql`insert into change_counters (user_id, stream, position) values (${A}, 'messages', 7), (${B}, 'messages', 5)`);

  // Tasks, attributed to the assignee, else the owner.
  await task("task_t1", A, null, at(D(3), "09:00:00"), at(D(2), "12:00:00"), at(D(2), "11:00:00")); // Ann, on time
  await task("task_t2", A, B, at(D(3), "09:00:00"), at(D(2), "12:00:00"), at(D(1), "09:00:00")); // Bob, late: overdue at the end of D-2
  await task("task_t3", B, null, at(D(2), "09:00:00"), null, todayAt(20)); // Bob, no due date, done today
  await task("task_t4", B, null, at(D(2), "09:00:00"), at(D(1), "12:00:00"), null); // Bob, overdue from the end of D-1 on
  await task("task_t5", A, null, todayAt(10), null, null); // Ann, open

  // Rooms: R1 sev1 resolved after 24 h, R3 sev1 resolved after 12 h, R2 sev2 still open.
  await room("room_r1", "Database down", "sev1", "resolved", A, at(D(3), "08:00:00"));
  await room("room_r2", "Slow API", "sev2", "investigating", B, at(D(1), "08:00:00"));
  await room("room_r3", "Old outage", "sev1", "resolved", A, at(D(20), "08:00:00"));
  await roomMessage("room_r1", A, at(D(3), "08:00:00"), { event: "room_created" });
  for (let i = 0; i < 3; i++) await roomMessage("room_r1", A, at(D(3), "09:00:00"));
  for (let i = 0; i < 2; i++) await roomMessage("room_r1", B, at(D(2), "07:00:00"));
  await roomMessage("room_r1", A, at(D(2), "08:00:00"), { event: "status_changed", from: "investigating", to: "resolved" });
  await roomMessage("room_r2", B, at(D(1), "08:00:00"), { event: "room_created" });
  await roomMessage("room_r2", B, todayAt(30));
  await roomMessage("room_r3", A, at(D(20), "08:00:00"), { event: "room_created" });
  await roomMessage("room_r3", A, at(D(20), "20:00:00"), { event: "status_changed", from: "investigating", to: "resolved" });

  // Sign-ins yesterday: Ann, then Bob after one failure.
  await db.execute(sql`insert into audit_log (id, actor_id, action, created_at) values
    ('aud_s1', ${A}, 'auth.sign_in', ${at(D(1), "08:00:00")}),
    ('aud_s2', null, 'auth.sign_in_failed', ${at(D(1), "09:00:00")}),
    ('aud_s3', ${B}, 'auth.sign_in', ${at(D(1), "09:01:00")})`);

  // An older device-status snapshot (the job records the current hour's).
  await db.execute(sql`insert into analytics_device_status (at, online, stale, offline) values (${at(D(1), "05:00:00")}, 0, 0, 3)`);
  return { admin, ann, bob };
}

const strip = (body: Record<string, unknown>) => ({ ...body, generatedAt: undefined, rolledThrough: undefined });

async function all(s: Seeded) {
  const get = async (handler: typeof messagesRoute, key: string) => {
    const res = await call(handler, { key });
    expect(res.status).toBe(200);
    return res.body;
  };
  const result = {
    messages: await get(messagesRoute, s.admin.key),
    rooms: await get(roomsRoute, s.admin.key),
    tasks: await get(tasksRoute, s.admin.key),
    users: await get(usersRoute, s.admin.key),
    ann: await get(insightsRoute, s.ann.key),
    bob: await get(insightsRoute, s.bob.key),
  };
  await flushActivity();
  return result;
}

describe("analytics", () => {
  it("reports exact figures from raw rows, from rollups after the backfill, and with new data today", async () => {
    await usingDatabase(isolated.handle, async () => {
      forgetActivity();
      const s = await seed();
      const A = s.ann.user.id;
      const B = s.bob.user.id;

      // Warm up: each person makes a request today, so today's activity is known (admin, Ann, Bob).
      await all(s);
      const raw = await all(s);
      expect(await rolledThrough(getDb())).toBeNull();
      expect(raw.messages.rolledThrough).toBeNull();

      // The first job run backfills from the oldest row (D-20) through yesterday.
      const job = await runAnalyticsJob();
      expect(job).toEqual({ from: D(20), to: D(1), days: 20, backfilled: true });
      expect(await rolledThrough(getDb())).toBe(D(1));
      const rolled = await all(s);
      expect(rolled.messages.rolledThrough).toBe(D(1));
      // Every figure but activity (which the backfill infers for the days before it) is unchanged.
      for (const key of ["messages", "rooms", "tasks", "ann", "bob"] as const) expect(strip(rolled[key])).toEqual(strip(raw[key]));
      expect(raw.users.charts.activeUsers.filter((row: any) => row.dau > 0)).toEqual([{ day: today, dau: 3, wau: 3 }]);
      expect(strip({ ...rolled.users, charts: undefined, summary: undefined })).toEqual(strip({ ...raw.users, charts: undefined, summary: undefined }));
      expect(rolled.users.charts.signIns).toEqual(raw.users.charts.signIns);

      // Closed days are now read from the rollups: erasing raw rows of D-2 changes nothing.
      await getDb().execute(sql`delete from messages where id = 'msg_seed5'`);

      // --- Messages
      const m = (await call(messagesRoute, { key: s.admin.key })).body;
      expect(m.from).toBe(D(29));
      expect(m.to).toBe(today);
      expect(m.summary).toMatchObject({ total: 12, perDayAverage: 0.4, busiestDay: { day: D(2), count: 6 }, ingestLatencyAvgMs: 1217, unread: 3 });
      expect(m.charts.perDay).toHaveLength(30);
      expect(m.charts.perDay.filter((r: any) => r.count > 0)).toEqual([
        { day: D(10), count: 1 },
        { day: D(2), count: 6 },
        { day: D(1), count: 3 },
        { day: today, count: 2 },
      ]);
      expect(m.charts.byType).toEqual([
        { day: D(10), type: "sms", count: 1 },
        { day: D(2), type: "email", count: 2 },
        { day: D(2), type: "notification", count: 1 },
        { day: D(2), type: "sms", count: 3 },
        { day: D(1), type: "sms", count: 3 },
        { day: today, type: "call", count: 1 },
        { day: today, type: "chat", count: 1 },
      ]);
      expect(m.charts.byDevice).toEqual([
        { day: D(10), deviceId: "", device: "No device", count: 1 },
        { day: D(2), deviceId: "dev_annpixel", device: "Ann Pixel", count: 4 },
        { day: D(2), deviceId: "", device: "No device", count: 2 },
        { day: D(1), deviceId: "dev_anntablet", device: "Ann Tablet", count: 2 },
        { day: D(1), deviceId: "", device: "No device", count: 1 },
        expect.objectContaining({ day: today, count: 1 }),
        expect.objectContaining({ day: today, count: 1 }),
      ]);
      expect(m.charts.topSenders.slice(0, 2)).toEqual([
        { sender: "+15550001", count: 5 },
        { sender: "boss@example.test", count: 2 },
      ]);
      expect(m.charts.topSenders.map((r: any) => r.count)).toEqual([5, 2, 1, 1, 1, 1, 1]);
      expect(m.charts.ingestLatency).toEqual([
        { day: D(10), count: 1, avgMs: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 },
        { day: D(2), count: 6, avgMs: 1000, p50Ms: 1000, p95Ms: 2500, maxMs: 3000 },
        { day: D(1), count: 3, avgMs: 1500, p50Ms: 2000, p95Ms: 2000, maxMs: 2000 },
        { day: today, count: 2, avgMs: 2050, p50Ms: 2050, p95Ms: 3805, maxMs: 4000 },
      ]);
      expect(m.charts.unreadByAge).toEqual([
        { age: "Under a day", count: 1 },
        { age: "1–7 days", count: 1 },
        { age: "Over a week", count: 1 },
      ]);
      expect(m.charts.unreadByUser.map((r: any) => [r.userId, r.unread])).toEqual([
        [B, 2],
        [A, 1],
      ]);

      // --- Rooms
      const r = (await call(roomsRoute, { key: s.admin.key })).body;
      expect(r.summary).toEqual({ opened: 3, resolved: 2, openNow: 1, messages: 6, participants: 2 });
      expect(r.charts.timeToResolve).toEqual([
        { severity: "sev1", resolved: 2, avgHours: 18, medianHours: 18, maxHours: 24 },
        { severity: "sev2", resolved: 0, avgHours: 0, medianHours: 0, maxHours: 0 },
        { severity: "sev3", resolved: 0, avgHours: 0, medianHours: 0, maxHours: 0 },
        { severity: "sev4", resolved: 0, avgHours: 0, medianHours: 0, maxHours: 0 },
      ]);
      expect(r.charts.messagesPerRoom).toEqual([
        { roomId: "room_r1", room: "Database down", severity: "sev1", status: "resolved", messages: 5, participants: 2 },
        { roomId: "room_r2", room: "Slow API", severity: "sev2", status: "investigating", messages: 1, participants: 1 },
      ]);
      const weekly = (pairs: [string, number][]) => {
        const out = new Map<string, number>();
        for (const [day, count] of pairs) out.set(weekOf(day), (out.get(weekOf(day)) ?? 0) + count);
        return out;
      };
      const opened = weekly([[D(3), 1], [D(1), 1], [D(20), 1]]);
      const resolved = weekly([[D(2), 1], [D(20), 1]]);
      for (const row of r.charts.incidentsPerWeek) expect([row.opened, row.resolved]).toEqual([opened.get(row.week) ?? 0, resolved.get(row.week) ?? 0]);
      expect(r.charts.incidentsPerWeek.reduce((t: number, row: any) => t + row.opened, 0)).toBe(3);
      const messagesByWeek = weekly([[D(3), 3], [D(2), 2], [today, 1]]);
      for (const row of r.charts.activeParticipants) expect(row.messages).toBe(messagesByWeek.get(row.week) ?? 0);

      // --- Tasks
      const t = (await call(tasksRoute, { key: s.admin.key })).body;
      expect(t.summary).toEqual({ created: 5, completed: 3, completionRate: 0.6, completedWithDue: 2, onTime: 1, onTimeRate: 0.5, overdueAtEnd: 1 });
      expect(t.charts.overdue.filter((row: any) => row.overdue > 0)).toEqual([
        { day: D(2), overdue: 1 },
        { day: D(1), overdue: 1 },
        { day: today, overdue: 1 },
      ]);
      expect(t.charts.onTimeByAssignee).toEqual([
        { userId: B, user: "Bob", completed: 2, withDue: 1, onTime: 0, onTimeRate: 0 },
        { userId: A, user: "Ann", completed: 1, withDue: 1, onTime: 1, onTimeRate: 1 },
      ]);
      const created = weekly([[D(3), 2], [D(2), 2], [today, 1]]);
      const completed = weekly([[D(2), 1], [D(1), 1], [today, 1]]);
      for (const row of t.charts.perWeek) expect([row.created, row.completed]).toEqual([created.get(row.week) ?? 0, completed.get(row.week) ?? 0]);

      // --- Users
      const u = (await call(usersRoute, { key: s.admin.key })).body;
      await flushActivity();
      expect(u.summary).toEqual({ users: 3, activeInRange: 3, dau: 3, wau: 3, signIns: 2, failedSignIns: 1 });
      const dau = Object.fromEntries(u.charts.activeUsers.filter((row: any) => row.dau > 0).map((row: any) => [row.day, row.dau]));
      expect(dau).toEqual({ [D(20)]: 1, [D(3)]: 1, [D(2)]: 2, [D(1)]: 2, [today]: 3 });
      const wau = Object.fromEntries(u.charts.activeUsers.map((row: any) => [row.day, row.wau]));
      expect([wau[D(20)], wau[D(14)], wau[D(13)], wau[D(3)], wau[D(1)]]).toEqual([1, 1, 0, 1, 2]);
      expect(u.charts.signIns.filter((row: any) => row.signIns + row.failed > 0)).toEqual([{ day: D(1), signIns: 2, failed: 1 }]);
      expect(u.charts.mostActive).toEqual([
        { userId: A, user: "Ann", email: s.ann.user.email, activeDays: 5, messages: 7, roomMessages: 3, tasksCompleted: 1 },
        { userId: B, user: "Bob", email: s.bob.user.email, activeDays: 3, messages: 5, roomMessages: 3, tasksCompleted: 2 },
        { userId: s.admin.user.id, user: "Ada Admin", email: s.admin.user.email, activeDays: 1, messages: 0, roomMessages: 0, tasksCompleted: 0 },
      ]);

      // --- Insights: each person's own data only.
      const ann = (await call(insightsRoute, { key: s.ann.key })).body;
      expect(ann.summary).toEqual({ messages: 7, tasksCompleted: 1, completedWithDue: 1, onTime: 1, onTimeRate: 1 });
      expect(ann.charts.busiestSenders).toEqual([
        { sender: "+15550001", count: 5 },
        expect.objectContaining({ count: 1 }),
        expect.objectContaining({ count: 1 }),
      ]);
      expect(ann.charts.busiestSenders.map((row: any) => row.sender).sort()).toEqual(["+15550001", "+15550003", "Slack"]);
      expect(ann.charts.messagesPerDay.filter((row: any) => row.count > 0)).toEqual([
        { day: D(2), count: 4 },
        { day: D(1), count: 2 },
        { day: today, count: 1 },
      ]);
      const bob = (await call(insightsRoute, { key: s.bob.key })).body;
      expect(bob.summary).toEqual({ messages: 5, tasksCompleted: 2, completedWithDue: 1, onTime: 0, onTimeRate: 0 });
      const bobText = JSON.stringify(bob);
      for (const theirs of ["+15550001", "+15550003", "Slack", A]) expect(bobText).not.toContain(theirs);
      expect(JSON.stringify(ann)).not.toContain("boss@example.test");

      // --- New data today: served live, on top of the rollups.
      await message(A, "dev_annpixel", "sms", "+15550001", todayAt(15), 1000, false, 8);
      await getDb().execute(sql`update change_counters set position = 8 where user_id = ${A} and stream = 'messages'`);
      await task("task_t6", A, null, todayAt(12), todayAt(13), todayAt(14)); // done late, today
      const m2 = (await call(messagesRoute, { key: s.admin.key })).body;
      expect(m2.summary).toMatchObject({ total: 13, unread: 4 });
      expect(m2.charts.perDay.at(-1)).toEqual({ day: today, count: 3 });
      expect(m2.charts.topSenders[0]).toEqual({ sender: "+15550001", count: 6 });
      const t2 = (await call(tasksRoute, { key: s.admin.key })).body;
      expect(t2.summary).toEqual({ created: 6, completed: 4, completionRate: 0.6667, completedWithDue: 3, onTime: 1, onTimeRate: 0.3333, overdueAtEnd: 1 });
      const ann2 = (await call(insightsRoute, { key: s.ann.key })).body;
      expect(ann2.summary).toEqual({ messages: 8, tasksCompleted: 2, completedWithDue: 2, onTime: 1, onTimeRate: 0.5 });

      // --- Once today closes, the rollup of it gives the same numbers as the live query did.
      const before = { messages: m2, tasks: t2, ann: ann2 };
      const tomorrow = new Date(Date.parse(`${addDays(today, 1)}T00:05:00Z`));
      expect(await runRollup(getDb(), tomorrow)).toEqual({ from: today, to: today, days: 1, backfilled: false });
      const after = {
        messages: (await call(messagesRoute, { key: s.admin.key })).body,
        tasks: (await call(tasksRoute, { key: s.admin.key })).body,
        ann: (await call(insightsRoute, { key: s.ann.key })).body,
      };
      expect(after.messages.rolledThrough).toBe(today);
      expect(strip(after.messages)).toEqual(strip(before.messages));
      expect(strip(after.ann)).toEqual(strip(before.ann));
      // Overdue for a closed day is counted at its end: T4 is still overdue at midnight.
      expect(strip(after.tasks)).toEqual(strip(before.tasks));
    });
  });

  it("devices: status over time and sync lag", async () => {
    await usingDatabase(isolated.handle, async () => {
      const admin = await makeUser({ role: "admin" });
      await runAnalyticsJob();
      const res = await call(devicesRoute, { key: admin.key, query: { from: D(2), to: today } });
      expect(res.status).toBe(200);
      const body = res.body;
      expect(body.summary).toEqual({ online: 1, stale: 1, offline: 1, total: 3, syncing: 2, behind: 2 });
      expect(body.charts.status.map((row: any) => [row.online, row.stale, row.offline])).toEqual([
        [0, 0, 3],
        [1, 1, 1],
      ]);
      const lag = Object.fromEntries(body.charts.syncLag.map((row: any) => [row.deviceId, row]));
      expect(Object.keys(lag).sort()).toEqual(["dev_annpixel", "dev_anntablet", "dev_bobphone"]);
      // The Pixel acknowledged 7; position 8 arrived today at 00:00:15.
      expect(lag.dev_annpixel).toMatchObject({ status: "online", changesBehind: 1 });
      expect(Math.abs(lag.dev_annpixel.lagSeconds - (Date.now() - todayAt(15).getTime()) / 1000)).toBeLessThan(5);
      expect(lag.dev_bobphone).toMatchObject({ status: "offline", changesBehind: null, lagSeconds: null });
      // Each device's live messages and its last one's time and type (not its content).
      expect(lag.dev_annpixel).toMatchObject({ messages: 6, lastMessageAt: new Date(todayAt(15).getTime() - 1000).toISOString(), lastMessageType: "sms" });
      expect(lag.dev_anntablet).toMatchObject({ messages: 2, lastMessageAt: new Date(at(D(1), "10:00:00").getTime() - 2000).toISOString(), lastMessageType: "sms" });
      expect(lag.dev_bobphone).toMatchObject({ messages: 0, lastMessageAt: null, lastMessageType: null });
      expect(JSON.stringify(body)).not.toContain("+15550001");
      // A deleted message leaves the count (and is restored for the tests after this one).
      const oneOfTablet = sql`id = (select min(id) from messages where device_id = 'dev_anntablet')`;
      await getDb().execute(sql`update messages set deleted_at = now() where ${oneOfTablet}`);
      const afterDelete = (await call(devicesRoute, { key: admin.key, query: { from: D(2), to: today } })).body;
      await getDb().execute(sql`update messages set deleted_at = null where ${oneOfTablet}`);
      expect(afterDelete.charts.syncLag.find((row: any) => row.deviceId === "dev_anntablet").messages).toBe(1);
      // Ann's tablet acknowledged position 4 of 8: the oldest change it lacks is position 5, ingested D-1 10:00.
      expect(lag.dev_anntablet).toMatchObject({ status: "stale", changesBehind: 4 });
      const expected = (Date.now() - at(D(1), "10:00:00").getTime()) / 1000;
      expect(Math.abs(lag.dev_anntablet.lagSeconds - expected)).toBeLessThan(5);
    });
  });

  it("system: route figures from the process registry and job queues from pg-boss", async () => {
    await usingDatabase(isolated.handle, async () => {
      const admin = await makeUser({ role: "admin" });
      const { httpRequestDuration, metrics } = await import("@/lib/metrics/metrics");
      // No Socket.IO server runs in this process, so the gauge keeps what the test sets.
      const socketConnections = metrics().socketConnections;
      const namespace = { namespace: `/analytics-test-${Date.now()}` };
      const route = `/api/v1/analytics-test-${Date.now()}`;
      for (let i = 0; i < 19; i++) httpRequestDuration.observe({ method: "GET", route, status: "200" }, 0.02);
      httpRequestDuration.observe({ method: "GET", route, status: "500" }, 2);
      socketConnections.set(namespace, 1);
      try {
        const res = await call(systemRoute, { key: admin.key });
        expect(res.status).toBe(200);
        const row = res.body.charts.routes.find((entry: any) => entry.route === route);
        // 20 requests, one a 500; the 95th percentile (rank 19) falls at the top of the 10–25 ms bucket.
        expect(row).toEqual({ route, requests: 20, serverErrors: 1, clientErrors: 0, errorRate: 0.05, p95Ms: 25 });
        expect(res.body.summary.sockets).toBeGreaterThanOrEqual(1);
        expect(res.body.charts.sockets.at(-1).connections).toBe(res.body.summary.sockets);
        expect(Array.isArray(res.body.charts.queues)).toBe(true);
      } finally {
        socketConnections.remove(namespace);
      }
    });
  });

  it("histogramQuantile interpolates like Prometheus", () => {
    expect(histogramQuantile(0.5, [[0.1, 10], [0.2, 20], [Infinity, 20]])).toBeCloseTo(0.1, 9);
    expect(histogramQuantile(0.75, [[0.1, 10], [0.2, 20], [Infinity, 20]])).toBeCloseTo(0.15, 9);
    expect(histogramQuantile(0.99, [[0.1, 0], [Infinity, 0]])).toBeNull();
    expect(histogramQuantile(0.99, [[0.1, 1], [Infinity, 10]])).toBe(0.1);
  });

  it("CSV downloads, validation, and members are refused", async () => {
    await usingDatabase(isolated.handle, async () => {
      const admin = await makeUser({ role: "admin" });
      const member = await makeUser();
      const csv = await call(messagesRoute, { key: admin.key, query: { format: "csv", chart: "unreadByAge", from: D(3), to: today } });
      expect(csv.status).toBe(200);
      expect(csv.headers.get("content-type")).toContain("text/csv");
      expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="messages-unreadByAge-${D(3)}-${today}.csv"`);
      expect(csv.text.split("\r\n")[0]).toBe("age,count");
      expect(csv.text.split("\r\n")).toHaveLength(5);
      const senders = await call(messagesRoute, { key: admin.key, query: { format: "csv", chart: "topSenders" } });
      expect(senders.text.split("\r\n").slice(0, 2)).toEqual(["sender,count", "'+15550001,6"]);
      expect((await call(messagesRoute, { key: admin.key, query: { format: "csv", chart: "nope" } })).status).toBe(422);
      expect((await call(messagesRoute, { key: admin.key, query: { format: "csv" } })).status).toBe(422);
      expect((await call(tasksRoute, { key: admin.key, query: { from: today, to: D(1) } })).status).toBe(422);
      expect((await call(tasksRoute, { key: admin.key, query: { from: "2020-01-01", to: today } })).status).toBe(422);
      expect((await call(usersRoute, { key: admin.key, query: { from: "2026-13-01" } })).status).toBe(422);
      for (const handler of [messagesRoute, devicesRoute, roomsRoute, tasksRoute, usersRoute, systemRoute]) {
        const refused = await call(handler, { key: member.key });
        expect(refused.status).toBe(403);
        expect(refused.text).not.toContain("+15550001");
      }
      const own = await call(insightsRoute, { key: member.key });
      expect(own.status).toBe(200);
      expect(own.body.summary).toEqual({ messages: 0, tasksCompleted: 0, completedWithDue: 0, onTime: 0, onTimeRate: null });
      expect(JSON.stringify(own.body)).not.toContain("+15550001");
    });
  });
});

describe("analytics: messages by device", () => {
  it("names the ten busiest devices of the range and sums the rest as Other devices", async () => {
    await inIsolatedDatabase(async () => {
      const admin = await makeUser({ role: "admin" });
      const owner = await makeUser({ name: "Fleet" });
      const db = getDb();
      // Twelve phones: phone k forwarded k messages yesterday; today phone 1 and the API (no device) one each.
      for (let k = 1; k <= 12; k++) {
        const id = `dev_fleet${String(k).padStart(2, "0")}`;
        await db.execute(sql`insert into devices (id, user_id, name) values (${id}, ${owner.user.id}, ${`Phone ${k}`})`);
        for (let i = 0; i < k; i++) await message(owner.user.id, id, "sms", `+1555${k}`, at(D(1), "10:00:00"), 0, true, n + 1);
      }
      await message(owner.user.id, null, "sms", "+15559", todayAt(5), 0, true, n + 1);
      await message(owner.user.id, "dev_fleet01", "sms", "+15551", todayAt(6), 0, true, n + 1);
      await runRollup(db);

      const res = await call(messagesRoute, { key: admin.key, query: { from: D(1), to: today } });
      expect(res.status).toBe(200);
      const yesterday = res.body.charts.byDevice.filter((row: any) => row.day === D(1));
      // Busiest over the range: phones 12 to 3. Phone 2 (2), phone 1 (1 + 1) and the API (1) are folded.
      expect(yesterday.map((row: any) => [row.device, row.count])).toEqual([
        ["Phone 12", 12],
        ["Phone 11", 11],
        ["Phone 10", 10],
        ["Phone 9", 9],
        ["Phone 8", 8],
        ["Phone 7", 7],
        ["Phone 6", 6],
        ["Phone 5", 5],
        ["Phone 4", 4],
        ["Phone 3", 3],
        ["Other devices", 3],
      ]);
      expect(yesterday.at(-1).deviceId).toBeNull();
      // Today (served live): phone 1 and the device-less message are both outside the ten.
      expect(res.body.charts.byDevice.filter((row: any) => row.day === today).map((row: any) => [row.deviceId, row.device, row.count])).toEqual([[null, "Other devices", 2]]);
      expect(res.body.summary.total).toBe(80);
    });
  });
});

describe("analytics: senders over whole months", () => {
  it("reads whole months from the monthly rollup and partial ones from the daily, with the same totals as the raw rows", async () => {
    await inIsolatedDatabase(async () => {
      const admin = await makeUser({ role: "admin" });
      const owner = await makeUser({ name: "Sender fan" });
      // Senders spread over four months and today: s1 busiest overall, s3 only in old months.
      const plan: Array<[number, string, number]> = [
        [130, "s3", 6],
        [100, "s1", 3],
        [100, "s3", 2],
        [75, "s2", 4],
        [45, "s1", 5],
        [20, "s2", 3],
        [3, "s1", 1],
        [0, "s2", 2],
      ];
      for (const [ago, sender, count] of plan) {
        for (let i = 0; i < count; i++) {
          const when = ago === 0 ? todayAt(30 + i) : at(D(ago), `12:00:${String(i).padStart(2, "0")}`);
          await message(owner.user.id, null, "sms", sender, when, 0, true, n + 1);
        }
      }
      await runRollup(getDb());
      const months = await getDb().execute<{ n: number }>(sql`select count(*)::int as n from analytics_sender_monthly`);
      expect(months.rows[0]!.n).toBeGreaterThan(0);

      // Ranges that start and end mid-month, on a month's first day, and inside one month.
      const firstOfMonth = `${D(60).slice(0, 7)}-01`;
      const ranges = [
        { from: D(140), to: today },
        { from: D(101), to: D(2) },
        { from: firstOfMonth, to: today },
        { from: D(46), to: D(44) },
      ];
      const expectedFor = (from: string, to: string) => {
        const totals = new Map<string, number>();
        for (const [ago, sender, count] of plan) if (D(ago) >= from && D(ago) <= to) totals.set(sender, (totals.get(sender) ?? 0) + count);
        return [...totals].map(([sender, count]) => ({ sender, count })).sort((a, b) => b.count - a.count || (a.sender < b.sender ? -1 : 1));
      };
      for (const range of ranges) {
        const res = await call(messagesRoute, { key: admin.key, query: range });
        expect(res.status).toBe(200);
        expect(res.body.charts.topSenders, JSON.stringify(range)).toEqual(expectedFor(range.from, range.to));
        const mine = await call(insightsRoute, { key: owner.key, query: range });
        expect(mine.body.charts.busiestSenders, JSON.stringify(range)).toEqual(expectedFor(range.from, range.to));
      }
    });
  });
});

describe("analytics: ingest latency of a phone's history", () => {
  it("reports messages received months before they arrived, from raw rows and from the rollup", async () => {
    await inIsolatedDatabase(async () => {
      const admin = await makeUser({ role: "admin" });
      const owner = await makeUser({ name: "Backfill" });
      const day = 86_400_000;
      // A phone forwarding its SMS history: received 90 and 30 days before it was ingested yesterday, 60 today.
      await message(owner.user.id, null, "sms", "+15551", at(D(1), "10:00:00"), 90 * day, true, n + 1);
      await message(owner.user.id, null, "sms", "+15551", at(D(1), "11:00:00"), 30 * day, true, n + 1);
      await message(owner.user.id, null, "sms", "+15551", todayAt(5), 60 * day, true, n + 1);
      const report = async () => {
        const res = await call(messagesRoute, { key: admin.key, query: { from: D(1), to: today } });
        expect(res.status).toBe(200);
        return res.body;
      };
      const expected = [
        { day: D(1), count: 2, avgMs: 60 * day, p50Ms: 60 * day, p95Ms: 87 * day, maxMs: 90 * day },
        { day: today, count: 1, avgMs: 60 * day, p50Ms: 60 * day, p95Ms: 60 * day, maxMs: 60 * day },
      ];
      const raw = await report();
      expect(raw.charts.ingestLatency).toEqual(expected);
      expect(raw.summary.ingestLatencyAvgMs).toBe(60 * day);
      await runRollup(getDb());
      expect((await report()).charts.ingestLatency).toEqual(expected);
    });
  });
});
