import { describe, expect, it } from "vitest";
import { GET as listTasks, POST as createTask } from "@/app/api/v1/tasks/route";
import { DELETE as deleteTask, GET as getTask, PATCH as patchTask } from "@/app/api/v1/tasks/[id]/route";
import { POST as completeTask } from "@/app/api/v1/tasks/[id]/complete/route";
import { GET as history } from "@/app/api/v1/tasks/[id]/history/route";
import { GET as preview } from "@/app/api/v1/tasks/recurrence/preview/route";
import { GET as listTags, POST as createTag } from "@/app/api/v1/tasks/tags/route";
import { DELETE as deleteTag, PATCH as patchTag } from "@/app/api/v1/tasks/tags/[id]/route";
import { GET as listViews, POST as createView } from "@/app/api/v1/tasks/views/route";
import { DELETE as deleteView } from "@/app/api/v1/tasks/views/[id]/route";
import { getDb } from "@/lib/db/client";
import { outboxEvents } from "@/lib/db/schema/platform";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";

async function create(key: string, body: Record<string, unknown>) {
  const res = await call(createTask, { key, body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function eventsFor(taskIds: string[]) {
  const rows = await getDb().select().from(outboxEvents);
  // Events of one transaction share a timestamp, so compare them as a multiset.
  return rows
    .filter((row) => taskIds.includes((row.data as { taskId?: string }).taskId ?? ""))
    .map((row) => row.type)
    .sort();
}

describe("tasks API", () => {
  it("creates, reads, updates and deletes a task, with outbox events for each change", async () => {
    const alice = await makeUser();
    const task = await create(alice.key, {
      title: "  Renew passport\u0007 ",
      description: "Bring **two** photos\n- form",
      priority: "high",
      tags: ["Admin", "admin", "travel"],
      dueAt: "2041-05-04T09:30:15.250+02:00",
      timezone: "Europe/Paris",
      reminders: [{ offsetMinutes: 60, relativeTo: "due" }, { at: "2041-05-01T08:00:00Z" }],
    });
    expect(task).toMatchObject({
      id: expect.stringMatching(/^task_/),
      ownerId: alice.user.id,
      assigneeId: null,
      title: "Renew passport",
      description: "Bring **two** photos\n- form",
      status: "todo",
      priority: "high",
      tags: ["Admin", "travel"],
      dueAt: "2041-05-04T07:30:15.000Z",
      allDay: false,
      timezone: "Europe/Paris",
      rrule: null,
      version: 1,
    });
    expect(task.reminders).toEqual([
      expect.objectContaining({ at: "2041-05-01T08:00:00.000Z", fireAt: "2041-05-01T08:00:00.000Z" }),
      expect.objectContaining({ offsetMinutes: 60, relativeTo: "due", fireAt: "2041-05-04T06:30:15.000Z", sentAt: null }),
    ]);

    const read = await call(getTask, { key: alice.key, params: { id: task.id } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(task);

    const patched = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: task.id }, body: { version: 1, status: "in_progress", dueAt: "2041-05-05T09:30:00+02:00" } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ status: "in_progress", version: 2, dueAt: "2041-05-05T07:30:00.000Z" });
    // The due-relative reminder follows the due date; the absolute one stays.
    expect(patched.body.reminders.map((r: { fireAt: string }) => r.fireAt)).toEqual(["2041-05-01T08:00:00.000Z", "2041-05-05T06:30:00.000Z"]);

    const removed = await call(deleteTask, { method: "DELETE", key: alice.key, params: { id: task.id } });
    expect(removed.status).toBe(204);
    expect((await call(getTask, { key: alice.key, params: { id: task.id } })).status).toBe(404);
    expect(await eventsFor([task.id])).toEqual(["task.created", "task.deleted", "task.status_changed", "task.updated"]);
  });

  it("creates a task once per clientId: a repeat, even concurrent, returns the first task (200)", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const body = { title: "Call the plumber", clientId: "web_0123456789abcdef", tags: ["home"] };
    const first = await create(alice.key, body);

    // The retry of a create whose answer was lost; its fields are not applied again.
    const again = await call(createTask, { key: alice.key, body: { ...body, title: "Call the plumber (retry)" } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first);

    const racing = await Promise.all(Array.from({ length: 10 }, () => call(createTask, { key: alice.key, body: { title: "Water plants", clientId: "race-1" } })));
    expect(racing.map((res) => res.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(racing.map((res) => res.body.id)).size).toBe(1);

    // A clientId is the user's own: another user's create with the same one is theirs.
    const bobs = await create(bob.key, body);
    expect(bobs.id).not.toBe(first.id);
    expect(bobs.ownerId).toBe(bob.user.id);

    const list = await call(listTasks, { key: alice.key, query: { limit: 50 } });
    expect(list.body.data.map((task: { title: string }) => task.title).sort()).toEqual(["Call the plumber", "Water plants"]);
    expect(await eventsFor([first.id, racing[0]!.body.id])).toEqual(["task.created", "task.created"]);

    // Not a field a PATCH can change, and not free text.
    const patched = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: first.id }, body: { version: 1, clientId: "other" } });
    expect(patched.status).toBe(200);
    expect((await call(createTask, { key: alice.key, body: { title: "x", clientId: "other" } })).status).toBe(201);
    const bad = await call(createTask, { key: alice.key, body: { title: "x", clientId: "has spaces" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((error: { path: string }) => error.path)).toEqual(["body.clientId"]);
  });

  it("answers a stale version with 409 carrying the current task, and changes nothing", async () => {
    const alice = await makeUser();
    const task = await create(alice.key, { title: "Draft report" });
    const phone = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: task.id }, body: { version: 1, title: "Draft the Q3 report" } });
    expect(phone.status).toBe(200);
    const laptop = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: task.id }, body: { version: 1, title: "Draft report v2", priority: "low" } });
    expect(laptop.status).toBe(409);
    expect(laptop.headers.get("content-type")).toBe("application/problem+json");
    expect(laptop.body).toMatchObject({ status: 409, requestId: expect.any(String), task: { id: task.id, version: 2, title: "Draft the Q3 report", priority: "medium" } });
    const read = await call(getTask, { key: alice.key, params: { id: task.id } });
    expect(read.body).toMatchObject({ version: 2, title: "Draft the Q3 report", priority: "medium" });
    // Retrying with the current version succeeds.
    const retried = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: task.id }, body: { version: 2, priority: "low" } });
    expect(retried.body).toMatchObject({ version: 3, title: "Draft the Q3 report", priority: "low" });
  });

  it("refuses bad input with 422 naming each field, and writes nothing", async () => {
    const alice = await makeUser();
    const bad = await call(createTask, {
      key: alice.key,
      body: { title: "", status: "later", dueAt: "tomorrow", timezone: "Mars/Olympus", rrule: "FREQ=SECONDLY", reminders: [{ offsetMinutes: -5 }], assigneeId: 42 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.assigneeId", "body.dueAt", "body.reminders.0.offsetMinutes", "body.rrule", "body.status", "body.timezone", "body.title"]);
    const recurringWithoutDue = await call(createTask, { key: alice.key, body: { title: "x", rrule: "FREQ=DAILY" } });
    expect(recurringWithoutDue.status).toBe(422);
    expect(recurringWithoutDue.body.errors[0].path).toBe("body.dueAt");
    const unknownAssignee = await call(createTask, { key: alice.key, body: { title: "x", assigneeId: "usr_nobody" } });
    expect(unknownAssignee.status).toBe(422);
    expect(unknownAssignee.body.errors[0].path).toBe("body.assigneeId");
    const noVersion = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: "task_x" }, body: { title: "y" } });
    expect(noVersion.status).toBe(422);
    const list = await call(listTasks, { key: alice.key });
    expect(list.body.data).toEqual([]);
  });

  it("needs the tasks scopes", async () => {
    const reader = await makeUser({ scopes: ["tasks:read"] });
    expect((await call(createTask, { key: reader.key, body: { title: "x" } })).status).toBe(403);
    expect((await call(listTasks, { key: reader.key })).status).toBe(200);
    const inboxOnly = await makeUser({ scopes: ["messages:read"] });
    expect((await call(listTasks, { key: inboxOnly.key })).status).toBe(403);
    expect((await call(listTasks, {})).status).toBe(401);
  });

  it("stores an all-day task at local midnight of its day, and finds it overdue only after that day", async () => {
    const alice = await makeUser();
    const task = await create(alice.key, { title: "Pay rent", dueAt: "2030-03-31", timezone: "Australia/Sydney" });
    expect(task).toMatchObject({ allDay: true, dueAt: "2030-03-30T13:00:00.000Z" });
    const { listTasks: list } = await import("@/lib/tasks/list");
    const during = await list(getDb(), alice.user.id, { overdue: true, limit: 50 }, { now: new Date("2030-03-31T12:00:00Z") });
    expect(during.data).toEqual([]);
    const after = await list(getDb(), alice.user.id, { overdue: true, limit: 50 }, { now: new Date("2030-03-31T13:00:00Z") });
    expect(after.data.map((t) => t.id)).toEqual([task.id]);
    // Moving it to another zone keeps its calendar date.
    const moved = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: task.id }, body: { version: 1, timezone: "America/New_York" } });
    expect(moved.body).toMatchObject({ allDay: true, timezone: "America/New_York", dueAt: "2030-03-31T04:00:00.000Z" });
  });
});

describe("tenancy and assignees", () => {
  it("hides another user's task behind 404 on every route", async () => {
    const alice = await makeUser();
    const mallory = await makeUser();
    const task = await create(alice.key, { title: "Alice's secret plan", rrule: "FREQ=DAILY", dueAt: "2031-01-01T09:00:00Z" });
    const attempts = [
      await call(getTask, { key: mallory.key, params: { id: task.id } }),
      await call(patchTask, { method: "PATCH", key: mallory.key, params: { id: task.id }, body: { version: 1, title: "pwned" } }),
      await call(deleteTask, { method: "DELETE", key: mallory.key, params: { id: task.id } }),
      await call(completeTask, { method: "POST", key: mallory.key, params: { id: task.id } }),
      await call(history, { key: mallory.key, params: { id: task.id } }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(404);
      expect(attempt.text).not.toContain("secret plan");
    }
    expect((await call(listTasks, { key: mallory.key, query: { q: "secret" } })).body.data).toEqual([]);
    expect((await call(getTask, { key: alice.key, params: { id: task.id } })).body).toMatchObject({ title: "Alice's secret plan", version: 1, status: "todo" });
  });

  it("shows an assignee exactly the tasks assigned to them, and takes it away when unassigned", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const shared = await create(alice.key, { title: "Review budget", assigneeId: bob.user.id, tags: ["finance"] });
    const privateTask = await create(alice.key, { title: "Private", tags: ["finance"] });

    const bobsList = await call(listTasks, { key: bob.key });
    expect(bobsList.body.data.map((t: { id: string }) => t.id)).toEqual([shared.id]);
    expect((await call(listTasks, { key: bob.key, query: { view: "assigned" } })).body.data.map((t: { id: string }) => t.id)).toEqual([shared.id]);
    expect((await call(getTask, { key: bob.key, params: { id: privateTask.id } })).status).toBe(404);

    // The assignee can work on it, but not reassign or delete it.
    const progress = await call(patchTask, { method: "PATCH", key: bob.key, params: { id: shared.id }, body: { version: 1, status: "in_progress" } });
    expect(progress.status).toBe(200);
    const reassign = await call(patchTask, { method: "PATCH", key: bob.key, params: { id: shared.id }, body: { version: 2, assigneeId: (await makeUser()).user.id } });
    expect(reassign.status).toBe(403);
    expect((await call(deleteTask, { method: "DELETE", key: bob.key, params: { id: shared.id } })).status).toBe(403);

    const carol = await makeUser();
    const moved = await call(patchTask, { method: "PATCH", key: alice.key, params: { id: shared.id }, body: { version: 2, assigneeId: carol.user.id } });
    expect(moved.status).toBe(200);
    expect((await call(getTask, { key: bob.key, params: { id: shared.id } })).status).toBe(404);
    expect((await call(getTask, { key: carol.key, params: { id: shared.id } })).status).toBe(200);
    expect(await eventsFor([shared.id])).toEqual(["task.assigned", "task.assigned", "task.created", "task.status_changed", "task.updated", "task.updated"]);
  });
});

describe("lists, search, tags and views", () => {
  it("filters, searches, sorts and pages with a cursor", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await create(alice.key, {
          title: `Errand ${i} ${i % 2 === 0 ? "groceries" : "hardware"}`,
          priority: (["low", "medium", "high"] as const)[i % 3],
          dueAt: i === 6 ? null : `2031-02-0${i + 1}T10:00:00Z`,
          tags: i < 3 ? ["home"] : [],
          reminders: i === 1 ? [{ offsetMinutes: 5 }] : [],
          assigneeId: i === 4 ? bob.user.id : null,
        }),
      );
    }
    const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((t) => t.id);

    // dueAt sort, nulls last, two at a time.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await call(listTasks, { key: alice.key, query: { limit: 2, cursor } });
      expect(res.status).toBe(200);
      seen.push(...ids(res));
      if (!res.body.hasMore) {
        expect(res.body.nextCursor).toBeNull();
        break;
      }
      cursor = res.body.nextCursor;
    }
    expect(seen).toEqual(made.map((t) => t.id));

    // Priority sort across pages: high first, then by due date.
    const byPriority: string[] = [];
    cursor = undefined;
    do {
      const res: { body: any } = await call(listTasks, { key: alice.key, query: { sort: "priority", limit: 3, cursor } });
      byPriority.push(...ids(res));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(byPriority).toEqual([made[2], made[5], made[1], made[4], made[0], made[3], made[6]].map((t) => t.id));

    const createdDesc = await call(listTasks, { key: alice.key, query: { sort: "createdAt" } });
    expect(ids(createdDesc)).toEqual([...made].reverse().map((t) => t.id));

    expect(ids(await call(listTasks, { key: alice.key, query: { q: "grocer" } }))).toEqual([made[0], made[2], made[4], made[6]].map((t) => t.id));
    expect(ids(await call(listTasks, { key: alice.key, query: { q: "errand hardware" } }))).toEqual([made[1], made[3], made[5]].map((t) => t.id));
    expect(ids(await call(listTasks, { key: alice.key, query: { tag: "HOME" } }))).toEqual(made.slice(0, 3).map((t) => t.id));
    expect(ids(await call(listTasks, { key: alice.key, query: { priority: "high,low" } }))).toEqual([made[0], made[2], made[3], made[5], made[6]].map((t) => t.id));
    expect(ids(await call(listTasks, { key: alice.key, query: { hasReminder: "true" } }))).toEqual([made[1].id]);
    expect(ids(await call(listTasks, { key: alice.key, query: { assignee: bob.user.id } }))).toEqual([made[4].id]);
    expect(ids(await call(listTasks, { key: alice.key, query: { dueAfter: "2031-02-02T10:00:00Z", dueBefore: "2031-02-04T10:00:00Z" } }))).toEqual([made[1], made[2]].map((t) => t.id));

    const badCursor = await call(listTasks, { key: alice.key, query: { cursor: "nonsense" } });
    expect(badCursor.status).toBe(422);
    const otherSortCursor = await call(listTasks, { key: alice.key, query: { sort: "createdAt", limit: 1 } });
    expect((await call(listTasks, { key: alice.key, query: { sort: "dueAt", cursor: otherSortCursor.body.nextCursor } })).status).toBe(422);
  });

  it("searches words the way the parser splits them: a ticket number with a hyphen, the last word as a prefix", async () => {
    const alice = await makeUser();
    const ticket = await create(alice.key, { title: "Close INC-4211 after the postmortem" });
    const other = await create(alice.key, { title: "Close INC-4299", description: "4211 is a different one" });
    const search = async (q: string) => ((await call(listTasks, { key: alice.key, query: { q } })).body.data as { id: string }[]).map((t) => t.id);
    expect(await search("INC-4211")).toEqual([ticket.id]);
    expect(await search("inc-4211 postmort")).toEqual([ticket.id]);
    // A number alone finds it too (the parser keeps the hyphen as a sign), as a prefix when it is the last word.
    expect(await search("4211 postmortem")).toEqual([ticket.id]);
    expect(await search("close 42")).toEqual(expect.arrayContaining([ticket.id, other.id]));
    expect(await search("postmortem 4211")).toEqual([ticket.id]);
    expect(await search("close inc")).toEqual(expect.arrayContaining([ticket.id, other.id]));
    expect(await search("--- ...")).toEqual([]);
  });

  it("manages tags with colours; a rename shows on the tasks", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const made = await call(createTag, { key: alice.key, body: { name: "Urgent", color: "#FF0000" } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "Urgent", color: "#ff0000" });
    expect((await call(createTag, { key: alice.key, body: { name: "urgent" } })).status).toBe(409);
    const task = await create(alice.key, { title: "Call the bank", tags: ["urgent", "calls"] });
    expect(task.tags).toEqual(["calls", "Urgent"]);
    const tags = await call(listTags, { key: alice.key });
    expect(tags.body.data.map((t: { name: string; color: string }) => t.name)).toEqual(["calls", "Urgent"]);
    expect(tags.body.data[0].color).toMatch(/^#[0-9a-f]{6}$/);

    expect((await call(patchTag, { method: "PATCH", key: bob.key, params: { id: made.body.id }, body: { name: "mine" } })).status).toBe(404);
    const renamed = await call(patchTag, { method: "PATCH", key: alice.key, params: { id: made.body.id }, body: { name: "Today" } });
    expect(renamed.body).toMatchObject({ name: "Today", color: "#ff0000" });
    expect((await call(getTask, { key: alice.key, params: { id: task.id } })).body.tags).toEqual(["calls", "Today"]);
    expect((await call(deleteTag, { method: "DELETE", key: alice.key, params: { id: made.body.id } })).status).toBe(204);
    expect((await call(getTask, { key: alice.key, params: { id: task.id } })).body.tags).toEqual(["calls"]);
    expect((await call(listTags, { key: bob.key })).body.data).toEqual([]);
  });

  it("lists built-in views and applies saved ones", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const views = await call(listViews, { key: alice.key });
    expect(views.body.data.map((v: { id: string }) => v.id)).toEqual(["today", "upcoming", "overdue", "assigned"]);

    const now = Date.now();
    const overdue = await create(alice.key, { title: "Late", dueAt: new Date(now - 3 * 86_400_000).toISOString() });
    const later = await create(alice.key, { title: "Later", dueAt: new Date(now + 5 * 86_400_000).toISOString(), priority: "high" });
    await create(alice.key, { title: "Someday" });
    const overdueIds = (await call(listTasks, { key: alice.key, query: { view: "overdue" } })).body.data.map((t: { id: string }) => t.id);
    expect(overdueIds).toEqual([overdue.id]);
    expect((await call(listTasks, { key: alice.key, query: { view: "today" } })).body.data.map((t: { id: string }) => t.id)).toEqual([overdue.id]);
    expect((await call(listTasks, { key: alice.key, query: { view: "upcoming" } })).body.data.map((t: { id: string }) => t.id)).toEqual([later.id]);

    const saved = await call(createView, { key: alice.key, body: { name: "Important", filters: { priority: ["high"], status: "todo,in_progress" } } });
    expect(saved.status).toBe(201);
    expect(saved.body.filters).toEqual({ priority: ["high"], status: ["todo", "in_progress"] });
    expect((await call(listTasks, { key: alice.key, query: { view: saved.body.id } })).body.data.map((t: { id: string }) => t.id)).toEqual([later.id]);
    expect((await call(listTasks, { key: bob.key, query: { view: saved.body.id } })).status).toBe(404);
    expect((await call(deleteView, { method: "DELETE", key: bob.key, params: { id: saved.body.id } })).status).toBe(404);
    expect((await call(deleteView, { method: "DELETE", key: alice.key, params: { id: "today" } })).status).toBe(403);
    expect((await call(deleteView, { method: "DELETE", key: alice.key, params: { id: saved.body.id } })).status).toBe(204);
  });

  it("previews the next dates of a rule in a time zone", async () => {
    const alice = await makeUser();
    const res = await call(preview, { key: alice.key, query: { rrule: "FREQ=WEEKLY;BYDAY=SU", dtstart: "2025-10-19T09:00:00+02:00", timezone: "Europe/Paris", count: 3 } });
    expect(res.status, res.text).toBe(200);
    // 09:00 Paris on both sides of the 26 October change.
    expect(res.body.dates).toEqual(["2025-10-19T07:00:00.000Z", "2025-10-26T08:00:00.000Z", "2025-11-02T08:00:00.000Z"]);
    const bad = await call(preview, { key: alice.key, query: { rrule: "FREQ=WEEKLY;BYDAY=1SU", dtstart: "2025-10-19T09:00:00+02:00", timezone: "Europe/Paris" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ path: "query.rrule", message: expect.stringContaining("MONTHLY or YEARLY") });
  });

  it("limits recurrence previews per caller, since each costs CPU", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const query = { rrule: "FREQ=DAILY", dtstart: "2025-01-01", timezone: "UTC", count: 1 };
    const statuses = [];
    for (let i = 0; i < 121; i++) statuses.push((await call(preview, { key: alice.key, query })).status);
    expect(statuses.slice(0, 120).every((status) => status === 200)).toBe(true);
    const limited = await call(preview, { key: alice.key, query });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(preview, { key: bob.key, query })).status).toBe(200);
  });
});
