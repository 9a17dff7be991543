import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as createTaskRoute } from "@/app/api/v1/tasks/route";
import { PATCH as patchTask } from "@/app/api/v1/tasks/[id]/route";
import { POST as completeRoute } from "@/app/api/v1/tasks/[id]/complete/route";
import { POST as skipRoute } from "@/app/api/v1/tasks/[id]/skip/route";
import { GET as historyRoute } from "@/app/api/v1/tasks/[id]/history/route";
import { getDb } from "@/lib/db/client";
import { outboxEvents } from "@/lib/db/schema/platform";
import { tasks } from "@/lib/db/schema/tasks";
import { completeTask } from "@/lib/tasks/complete";
import { createTask } from "@/lib/tasks/create";
import { emptyPlan } from "@/lib/tasks/reminders";
import { spawnNext } from "@/lib/tasks/series";
import { toFloating } from "@/lib/tasks/timezone";
import { updateTask } from "@/lib/tasks/update";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";

async function liveRows(seriesId: string) {
  return getDb()
    .select()
    .from(tasks)
    .where(and(eq(tasks.seriesId, seriesId), isNull(tasks.deletedAt)))
    .orderBy(tasks.occurrenceDate);
}

const localTime = (iso: string, tz: string) => toFloating(new Date(iso), tz).toISOString().slice(0, 16);

describe("completing a recurring task", () => {
  it("creates the next occurrence exactly once when ten clients complete at the same moment", async () => {
    const alice = await makeUser();
    const made = await call(createTaskRoute, { key: alice.key, body: { title: "Water the plants", dueAt: "2031-03-03T18:00:00+01:00", timezone: "Europe/Paris", rrule: "FREQ=WEEKLY", tags: ["home"], reminders: [{ offsetMinutes: 30 }] } });
    expect(made.status).toBe(201);
    const results = await Promise.all(Array.from({ length: 10 }, () => call(completeRoute, { method: "POST", key: alice.key, params: { id: made.body.id } })));
    for (const res of results) expect(res.status, res.text).toBe(200);
    const nextIds = new Set(results.map((res) => res.body.next?.id));
    expect(nextIds.size).toBe(1);
    const next = results[0]!.body.next;
    expect(next).toMatchObject({ seriesId: made.body.id, status: "todo", dueAt: "2031-03-10T17:00:00.000Z", occurrenceIndex: 2, tags: ["home"], version: 1 });
    expect(next.reminders).toEqual([expect.objectContaining({ offsetMinutes: 30, fireAt: "2031-03-10T16:30:00.000Z" })]);

    const rows = await getDb().select().from(tasks).where(eq(tasks.seriesId, made.body.id));
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.id === made.body.id)).toMatchObject({ status: "done", version: 2 });
    const created = (await getDb().select().from(outboxEvents).where(eq(outboxEvents.type, "task.created"))).filter((row) => (row.data as { taskId: string }).taskId === next.id);
    expect(created).toHaveLength(1);
    const completed = (await getDb().select().from(outboxEvents).where(eq(outboxEvents.type, "task.completed"))).filter((row) => (row.data as { taskId: string }).taskId === made.body.id);
    expect(completed).toHaveLength(1);
  });

  it("relies on the (series, occurrence date) unique index: racing inserts of the next occurrence make one row", async () => {
    const alice = await makeUser();
    const task = await createTask(getDb(), alice.user.id, { title: "Standup", dueAt: "2031-04-01T09:00:00Z", rrule: "FREQ=DAILY", timezone: "UTC" });
    const [row] = await getDb().select().from(tasks).where(eq(tasks.id, task.id));
    // No row lock here: every transaction gets past the status check and tries the insert.
    const spawned = await Promise.all(Array.from({ length: 10 }, () => getDb().transaction((tx) => spawnNext(tx, row!, { now: new Date("2031-04-01T10:00:00Z"), plan: emptyPlan() }))));
    expect(new Set(spawned.map((s) => s?.next.id)).size).toBe(1);
    expect(spawned.filter((s) => s?.created)).toHaveLength(1);
    expect(await liveRows(task.id)).toHaveLength(2);
  });

  it("keeps 09:00 Paris across a daylight-saving change, occurrence after occurrence", async () => {
    const alice = await makeUser();
    let current = await createTask(getDb(), alice.user.id, { title: "Morning pages", dueAt: "2031-03-28T09:00:00+01:00", timezone: "Europe/Paris", rrule: "FREQ=DAILY" });
    const dues = [current.dueAt!];
    for (let i = 0; i < 3; i++) {
      const { next } = await completeTask(getDb(), alice.user.id, current.id);
      current = next!;
      dues.push(current.dueAt!);
    }
    // Clocks go forward on 30 March 2031.
    expect(dues).toEqual(["2031-03-28T08:00:00.000Z", "2031-03-29T08:00:00.000Z", "2031-03-30T07:00:00.000Z", "2031-03-31T07:00:00.000Z"]);
    expect(dues.map((d) => localTime(d, "Europe/Paris").slice(11))).toEqual(["09:00", "09:00", "09:00", "09:00"]);
  });

  it("counts the interval from completion with recurFrom=completion", async () => {
    const alice = await makeUser();
    const task = await createTask(getDb(), alice.user.id, { title: "Change the filter", dueAt: "2031-01-10T08:00:00-05:00", timezone: "America/New_York", rrule: "FREQ=DAILY;INTERVAL=10", recurFrom: "completion" });
    // Completed late, on 14 January at 21:30 New York time.
    const { next } = await completeTask(getDb(), alice.user.id, task.id, { now: new Date("2031-01-15T02:30:00Z") });
    expect(localTime(next!.dueAt!, "America/New_York")).toBe("2031-01-24T08:00");
    expect(next!.recurFrom).toBe("completion");
  });

  it("ends the series at COUNT", async () => {
    const alice = await makeUser();
    const first = await createTask(getDb(), alice.user.id, { title: "Two sessions", dueAt: "2031-06-01T17:00:00Z", timezone: "UTC", rrule: "FREQ=WEEKLY;COUNT=2" });
    const { next: second } = await completeTask(getDb(), alice.user.id, first.id);
    expect(second?.dueAt).toBe("2031-06-08T17:00:00.000Z");
    const { next: none } = await completeTask(getDb(), alice.user.id, second!.id);
    expect(none).toBeNull();
  });

  it("does not fork the series when an older occurrence is reopened and completed again", async () => {
    const alice = await makeUser();
    const first = await createTask(getDb(), alice.user.id, { title: "Backup", dueAt: "2031-02-01T12:00:00Z", timezone: "UTC", rrule: "FREQ=MONTHLY", recurFrom: "completion" });
    const { next } = await completeTask(getDb(), alice.user.id, first.id, { now: new Date("2031-02-01T13:00:00Z") });
    const reopened = await updateTask(getDb(), alice.user.id, first.id, { version: 2, status: "todo", scope: "following" });
    expect(reopened).toMatchObject({ status: "todo", completedAt: null });
    const again = await completeTask(getDb(), alice.user.id, first.id, { now: new Date("2031-02-20T13:00:00Z") });
    expect(again.next?.id).toBe(next!.id);
    expect(await liveRows(first.id)).toHaveLength(2);
  });

  it("treats PATCH status=done as a completion", async () => {
    const alice = await makeUser();
    const task = await createTask(getDb(), alice.user.id, { title: "Invoice", dueAt: "2031-01-31T10:00:00Z", timezone: "UTC", rrule: "FREQ=MONTHLY;BYMONTHDAY=-1" });
    const res = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: task.id }, body: { version: 1, status: "done" } });
    expect(res.status).toBe(200);
    const rows = await liveRows(task.id);
    expect(rows.map((row) => row.dueAt?.toISOString())).toEqual(["2031-01-31T10:00:00.000Z", "2031-02-28T10:00:00.000Z"]);
  });
});

describe("skipping, editing and history", () => {
  it("skips the open occurrence (EXDATE) and a later date, and lists both in the history", async () => {
    const alice = await makeUser();
    const made = await call(createTaskRoute, { key: alice.key, body: { title: "Gym", dueAt: "2031-05-05T07:00:00Z", timezone: "UTC", rrule: "FREQ=WEEKLY;BYDAY=MO,TH" } });
    const skipped = await call(skipRoute, { method: "POST", key: alice.key, params: { id: made.body.id } });
    expect(skipped.status, skipped.text).toBe(200);
    expect(skipped.body.task).toMatchObject({ skippedAt: expect.any(String), deletedAt: expect.any(String) });
    expect(skipped.body.next).toMatchObject({ dueAt: "2031-05-08T07:00:00.000Z" });
    // A retry (the answer was lost) answers the same and creates nothing; another user still gets a 404.
    const retried = await call(skipRoute, { method: "POST", key: alice.key, params: { id: made.body.id } });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body).toEqual(skipped.body);
    expect(await liveRows(made.body.id)).toHaveLength(1);
    const mallory = await makeUser();
    expect((await call(skipRoute, { method: "POST", key: mallory.key, params: { id: made.body.id } })).status).toBe(404);
    expect((await call(skipRoute, { method: "POST", key: alice.key, params: { id: made.body.id }, query: { occurrenceDate: "2031-05-08T07:00:00Z" } })).status).toBe(404);

    // Skip Monday 12 May in advance: completing Thursday goes straight to Thursday 15.
    const ahead = await call(skipRoute, { method: "POST", key: alice.key, params: { id: skipped.body.next.id }, query: { occurrenceDate: "2031-05-12T07:00:00Z" } });
    expect(ahead.status, ahead.text).toBe(200);
    expect(ahead.body.task.exdates).toContain("2031-05-12T07:00:00.000Z");
    const notOnSchedule = await call(skipRoute, { method: "POST", key: alice.key, params: { id: skipped.body.next.id }, query: { occurrenceDate: "2031-05-13T07:00:00Z" } });
    expect(notOnSchedule.status).toBe(422);
    const done = await call(completeRoute, { method: "POST", key: alice.key, params: { id: skipped.body.next.id } });
    expect(done.body.next.dueAt).toBe("2031-05-15T07:00:00.000Z");

    const hist = await call(historyRoute, { key: alice.key, params: { id: done.body.next.id } });
    expect(hist.status).toBe(200);
    expect(hist.body.seriesId).toBe(made.body.id);
    expect(hist.body.occurrences.map((o: { dueAt: string; state: string }) => [o.dueAt.slice(0, 10), o.state])).toEqual([
      ["2031-05-05", "skipped"],
      ["2031-05-08", "done"],
      ["2031-05-15", "open"],
    ]);
    expect(hist.body.skippedDates).toEqual(["2031-05-05T07:00:00.000Z", "2031-05-12T07:00:00.000Z"]);
  });

  it("skips an occurrence once when clients race to skip it", async () => {
    const alice = await makeUser();
    const made = await call(createTaskRoute, { key: alice.key, body: { title: "Standup", dueAt: "2031-06-02T09:00:00Z", timezone: "UTC", rrule: "FREQ=DAILY" } });
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(skipRoute, { method: "POST", key: alice.key, params: { id: made.body.id } })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(new Set(answers.map((a) => a.body.next.id)).size).toBe(1);
    expect((await liveRows(made.body.id)).map((row) => row.dueAt?.toISOString())).toEqual(["2031-06-03T09:00:00.000Z"]);
  });

  it("edits only this occurrence, or this and the following ones", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const first = await createTask(getDb(), alice.user.id, { title: "Team sync", priority: "medium", tags: ["work"], dueAt: "2031-07-01T15:00:00Z", timezone: "UTC", rrule: "FREQ=DAILY" });
    // Only this one: a different title, bob, and a moved time; the schedule stays.
    const onlyThis = await updateTask(getDb(), alice.user.id, first.id, { version: 1, scope: "this", title: "Team sync (offsite)", assigneeId: bob.user.id, tags: ["offsite"], dueAt: "2031-07-01T17:00:00Z" });
    expect(onlyThis).toMatchObject({ title: "Team sync (offsite)", dueAt: "2031-07-01T17:00:00.000Z", occurrenceDate: "2031-07-01T15:00:00.000Z", assigneeId: bob.user.id });
    const { next: second } = await completeTask(getDb(), alice.user.id, first.id);
    expect(second).toMatchObject({ title: "Team sync", assigneeId: null, tags: ["work"], dueAt: "2031-07-02T15:00:00.000Z" });

    // This and following: the priority and title carry on.
    const following = await updateTask(getDb(), alice.user.id, second!.id, { version: 1, scope: "following", title: "Team sync v2", priority: "high" });
    const { next: third } = await completeTask(getDb(), alice.user.id, following.id);
    expect(third).toMatchObject({ title: "Team sync v2", priority: "high", dueAt: "2031-07-03T15:00:00.000Z" });

    // Changing the rule restarts it at this occurrence.
    const weekly = await updateTask(getDb(), alice.user.id, third!.id, { version: 1, rrule: "FREQ=WEEKLY;BYDAY=FR", scope: "following" });
    expect(weekly).toMatchObject({ rrule: "FREQ=WEEKLY;BYDAY=FR", occurrenceIndex: 1, occurrenceDate: "2031-07-03T15:00:00.000Z" });
    const { next: friday } = await completeTask(getDb(), alice.user.id, weekly.id);
    expect(friday?.dueAt).toBe("2031-07-04T15:00:00.000Z");
    // The whole chain is one series.
    expect(new Set([first, second, third, friday].map((t) => t!.seriesId))).toEqual(new Set([first.id]));
  });

  it("refuses to move the schedule from an occurrence that already has a successor", async () => {
    const alice = await makeUser();
    const first = await createTask(getDb(), alice.user.id, { title: "Report", dueAt: "2031-08-01T09:00:00Z", timezone: "UTC", rrule: "FREQ=DAILY" });
    await completeTask(getDb(), alice.user.id, first.id);
    await expect(updateTask(getDb(), alice.user.id, first.id, { version: 2, rrule: "FREQ=WEEKLY", scope: "following" })).rejects.toMatchObject({ code: "conflict" });
  });
});
