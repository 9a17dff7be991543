import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { outboxEvents } from "@/lib/db/schema/platform";
import { taskReminders } from "@/lib/db/schema/tasks";
import { setBoss, startJobs } from "@/lib/jobs/boss";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { completeTask } from "@/lib/tasks/complete";
import { createTask } from "@/lib/tasks/create";
import { deleteTask } from "@/lib/tasks/delete";
import { deliverReminder, REMINDER_QUEUE, sweepDueReminders, taskJobs, type Clock } from "@/lib/tasks/reminders";
import { updateTask } from "@/lib/tasks/update";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";
import { makeUser } from "@/tests/helpers/factories";

/** A clock the test moves by hand: no sleeps, no dependence on the wall clock. */
function testClock(start: string): Clock & { set: (iso: string) => void; advance: (ms: number) => void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso) => (now = new Date(iso)),
    advance: (ms) => (now = new Date(now.getTime() + ms)),
  };
}

/** The sweep sees every user's reminders (other test files run alongside): keep this test's. */
async function sweepFor(clock: Clock, taskId: string) {
  return (await sweepDueReminders(getDb(), clock)).filter((notification) => notification.taskId === taskId);
}

async function reminderRows(taskId: string) {
  return getDb().select().from(taskReminders).where(eq(taskReminders.taskId, taskId));
}

async function reminderEvents(taskId: string) {
  const rows = await getDb().select().from(outboxEvents).where(eq(outboxEvents.type, "task.reminder"));
  return rows.filter((row) => (row.data as { taskId: string }).taskId === taskId);
}

async function jobState(jobId: string) {
  const result = await getDb().execute<{ state: string; start_after: string }>(sql`select state, start_after from pgboss.job where id = ${jobId}`);
  const row = result.rows[0];
  return row && { state: row.state, startAfter: new Date(row.start_after).toISOString() };
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  setRealtimeServer(undefined);
  setBoss(undefined);
});

describe("task reminders", () => {
  it("fire once, at their time, to the assignee's devices", async () => {
    const server = await startRealtimeServer();
    cleanups.push(server.close);
    setRealtimeServer(server.realtime.io);
    const alice = await makeUser();
    const bob = await makeUser();
    const clock = testClock("2032-01-10T08:00:00Z");
    const task = await createTask(getDb(), alice.user.id, { title: "Submit expenses", dueAt: "2032-01-10T09:00:00Z", assigneeId: bob.user.id, reminders: [{ offsetMinutes: 15, relativeTo: "due" }] }, { now: clock.now() });
    const [reminder] = await reminderRows(task.id);
    expect(reminder!.fireAt?.toISOString()).toBe("2032-01-10T08:45:00.000Z");

    clock.set("2032-01-10T08:44:00Z");
    expect(await sweepFor(clock, task.id)).toEqual([]);
    expect(await deliverReminder(getDb(), reminder!.id, clock)).toBeNull();

    const bobSocket = await connectClient(server.url, bob.key);
    const aliceSocket = await connectClient(server.url, alice.key);
    let aliceNotified = false;
    aliceSocket.on("notification", () => (aliceNotified = true));
    const received = nextEvent<{ taskId: string; late: boolean }>(bobSocket, "notification");
    clock.set("2032-01-10T08:45:00Z");
    const sent = await sweepFor(clock, task.id);
    expect(sent).toEqual([expect.objectContaining({ type: "task.reminder", taskId: task.id, title: "Submit expenses", fireAt: "2032-01-10T08:45:00.000Z", sentAt: "2032-01-10T08:45:00.000Z", late: false })]);
    expect(await received).toMatchObject({ taskId: task.id, late: false });

    // Again, by the sweep, by its job and by a second worker at once: nothing more.
    clock.advance(60_000);
    expect(await sweepFor(clock, task.id)).toEqual([]);
    expect(await Promise.all([deliverReminder(getDb(), reminder!.id, clock), deliverReminder(getDb(), reminder!.id, clock)])).toEqual([null, null]);
    const events = await reminderEvents(task.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.userId).toBe(bob.user.id);
    expect(aliceNotified).toBe(false);
    bobSocket.close();
    aliceSocket.close();
  });

  it("goes out once when several workers claim it at the same moment", async () => {
    const alice = await makeUser();
    const clock = testClock("2032-02-01T10:00:00Z");
    const task = await createTask(getDb(), alice.user.id, { title: "Stand up", reminders: [{ at: "2032-02-01T10:00:00Z" }] }, { now: clock.now() });
    const [reminder] = await reminderRows(task.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => deliverReminder(getDb(), reminder!.id, clock)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await reminderEvents(task.id)).toHaveLength(1);
  });

  it("re-arms a reminder when the due date moves, and keeps an unchanged one sent", async () => {
    const alice = await makeUser();
    const clock = testClock("2032-03-01T08:00:00Z");
    const task = await createTask(getDb(), alice.user.id, { title: "Dentist", dueAt: "2032-03-01T09:00:00Z", reminders: [{ offsetMinutes: 30, relativeTo: "due" }, { at: "2032-03-01T08:10:00Z" }] }, { now: clock.now() });
    clock.set("2032-03-01T08:40:00Z");
    expect(await sweepFor(clock, task.id)).toHaveLength(2);

    // Sending the same reminders back (as read) changes nothing; they stay sent.
    const same = await updateTask(getDb(), alice.user.id, task.id, { version: 1, title: "Dentist (Dr Lee)", reminders: task.reminders as never, scope: "following" }, { now: clock.now() });
    expect(same.reminders.every((r) => r.sentAt !== null)).toBe(true);
    expect(await sweepFor(clock, task.id)).toEqual([]);

    // Postponed by a day: "30 minutes before" is due again, the absolute one is not.
    const moved = await updateTask(getDb(), alice.user.id, task.id, { version: 2, dueAt: "2032-03-02T09:00:00Z", scope: "following" }, { now: clock.now() });
    expect(moved.reminders).toEqual([
      expect.objectContaining({ at: "2032-03-01T08:10:00.000Z", sentAt: "2032-03-01T08:40:00.000Z" }),
      expect.objectContaining({ offsetMinutes: 30, fireAt: "2032-03-02T08:30:00.000Z", sentAt: null }),
    ]);
    clock.set("2032-03-02T08:30:00Z");
    expect((await sweepFor(clock, task.id)).map((n) => n.fireAt)).toEqual(["2032-03-02T08:30:00.000Z"]);
    expect(await reminderEvents(task.id)).toHaveLength(3);
  });

  it("schedules a pg-boss job at fire time, moves it with the task, and cancels it on completion and deletion", async () => {
    const boss = await startJobs(inject("databaseUrl"), { registrars: [taskJobs()], runWorkers: false, max: 2 });
    cleanups.push(async () => {
      setBoss(undefined);
      await boss.stop({ graceful: false, wait: true });
    });
    const alice = await makeUser();
    const clock = testClock("2032-04-01T08:00:00Z");
    const task = await createTask(getDb(), alice.user.id, { title: "Call mum", dueAt: "2032-04-05T18:00:00Z", reminders: [{ offsetMinutes: 60, relativeTo: "due" }] }, { now: clock.now() });
    const [armed] = await reminderRows(task.id);
    expect(armed!.jobId).toEqual(expect.any(String));
    expect(await jobState(armed!.jobId!)).toMatchObject({ state: "created", startAfter: "2032-04-05T17:00:00.000Z" });

    await updateTask(getDb(), alice.user.id, task.id, { version: 1, dueAt: "2032-04-06T18:00:00Z", scope: "following" }, { now: clock.now() });
    const [moved] = await reminderRows(task.id);
    expect(moved!.jobId).not.toBe(armed!.jobId);
    expect((await jobState(armed!.jobId!))?.state).toBe("cancelled");
    expect(await jobState(moved!.jobId!)).toMatchObject({ state: "created", startAfter: "2032-04-06T17:00:00.000Z" });

    await completeTask(getDb(), alice.user.id, task.id, { now: clock.now() });
    const [afterDone] = await reminderRows(task.id);
    expect(afterDone!.jobId).toBeNull();
    expect((await jobState(moved!.jobId!))?.state).toBe("cancelled");
    // Even if a job fired anyway, a completed task's reminder is not sent.
    clock.set("2032-04-06T17:00:00Z");
    expect(await deliverReminder(getDb(), afterDone!.id, clock)).toBeNull();
    expect(await sweepFor(clock, task.id)).toEqual([]);

    const other = await createTask(getDb(), alice.user.id, { title: "Pay the plumber", reminders: [{ at: "2032-04-07T09:00:00Z" }] }, { now: clock.now() });
    const [otherReminder] = await reminderRows(other.id);
    await deleteTask(getDb(), alice.user.id, other.id, { now: clock.now() });
    expect((await jobState(otherReminder!.jobId!))?.state).toBe("cancelled");
    clock.set("2032-04-07T09:00:00Z");
    expect(await deliverReminder(getDb(), otherReminder!.id, clock)).toBeNull();
    expect(await reminderEvents(task.id)).toEqual([]);
    expect(await reminderEvents(other.id)).toEqual([]);

    // The job itself is queued under the reminder queue with the reminder's id.
    const job = await boss.getJobById<{ reminderId: string }>(REMINDER_QUEUE, moved!.jobId!);
    expect(job?.data).toEqual({ reminderId: moved!.id });
  });

  it("sends reminders missed while the server was down at boot, marked late, except for tasks done meanwhile", async () => {
    const alice = await makeUser();
    const clock = testClock("2032-05-01T08:00:00Z");
    // Made while no job runner was up, as if the server went down right after.
    const missed = await createTask(getDb(), alice.user.id, { title: "Water the garden", dueAt: "2032-05-01T09:00:00Z", reminders: [{ offsetMinutes: 10, relativeTo: "due" }] }, { now: clock.now() });
    const doneMeanwhile = await createTask(getDb(), alice.user.id, { title: "Already handled", dueAt: "2032-05-01T09:00:00Z", reminders: [{ offsetMinutes: 10, relativeTo: "due" }] }, { now: clock.now() });
    const future = await createTask(getDb(), alice.user.id, { title: "Tomorrow", dueAt: "2032-05-02T09:00:00Z", reminders: [{ offsetMinutes: 10, relativeTo: "due" }] }, { now: clock.now() });
    await completeTask(getDb(), alice.user.id, doneMeanwhile.id, { now: clock.now() });

    // Three hours later the server boots: its job registrar sweeps before taking work.
    clock.set("2032-05-01T11:50:00Z");
    const boss = await startJobs(inject("databaseUrl"), { registrars: [taskJobs(clock)], runWorkers: true, max: 2 });
    cleanups.push(async () => {
      setBoss(undefined);
      await boss.stop({ graceful: false, wait: true });
    });
    const [sent] = await reminderRows(missed.id);
    expect(sent).toMatchObject({ sentAt: new Date("2032-05-01T11:50:00Z"), late: true });
    const events = await reminderEvents(missed.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ late: true, fireAt: "2032-05-01T08:50:00.000Z" });
    expect(await reminderEvents(doneMeanwhile.id)).toEqual([]);
    expect((await reminderRows(future.id))[0]!.sentAt).toBeNull();

    // Delivered on time, it is not late.
    clock.set("2032-05-02T08:50:30Z");
    const onTime = await sweepDueReminders(getDb(), clock);
    expect(onTime.filter((n) => n.taskId === future.id)).toEqual([expect.objectContaining({ late: false })]);
  });
});
