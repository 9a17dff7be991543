import { webcrypto } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { instantToZoned, isOverdue, parseQuickAdd, zonedToInstant } from "@/components/tasks/dates";
import { fromRule, nthWeekdayOf, toRule } from "@/components/tasks/recurrence";
import type { Task, TaskPatch } from "@/components/tasks/api";
import { alreadySaved, enqueue, readQueue } from "@/components/tasks/offline-queue";

describe("quick add", () => {
  // Sunday 2031-03-09 12:00 UTC = 13:00 in Paris (winter time).
  const now = new Date("2031-03-09T12:00:00Z");

  it("reads 'tomorrow 9am' in the user's zone, not the browser's", () => {
    expect(parseQuickAdd("Pay rent tomorrow 9am", "Europe/Paris", now)).toEqual({ title: "Pay rent", dueAt: "2031-03-10T08:00:00.000Z", allDay: false, matched: "tomorrow 9am" });
    expect(parseQuickAdd("Pay rent tomorrow 9am", "America/New_York", now).dueAt).toBe("2031-03-10T13:00:00.000Z");
  });

  it("uses the offset of the due date across a DST change", () => {
    // Paris moves to summer time on 2031-03-30; 9am on 1 April is 07:00 UTC.
    expect(parseQuickAdd("Dentist April 1 9am", "Europe/Paris", now).dueAt).toBe("2031-04-01T07:00:00.000Z");
  });

  it("makes a date without a time an all-day task", () => {
    expect(parseQuickAdd("Call mum on friday", "Europe/Paris", now)).toMatchObject({ title: "Call mum", dueAt: "2031-03-14", allDay: true });
  });

  it("leaves text without a date alone", () => {
    expect(parseQuickAdd("Buy milk", "Europe/Paris", now)).toEqual({ title: "Buy milk", dueAt: null, allDay: false, matched: null });
  });

  it("keeps the text as the title when the whole text is a date", () => {
    expect(parseQuickAdd("tomorrow", "Europe/Paris", now)).toMatchObject({ title: "tomorrow", dueAt: null });
  });
});

describe("zone conversion", () => {
  it("round-trips wall-clock time on both sides of DST", () => {
    for (const local of ["2031-03-29T09:00", "2031-03-31T09:00", "2031-10-27T09:00"]) {
      expect(instantToZoned(zonedToInstant(local, "Europe/Paris").toISOString(), "Europe/Paris")).toBe(local);
    }
  });

  it("counts an all-day task overdue only after its day", () => {
    const task = { dueAt: "2031-03-09T23:00:00.000Z", allDay: true, status: "todo", timezone: "Europe/Paris" };
    expect(isOverdue(task, Date.parse("2031-03-10T12:00:00Z"))).toBe(false);
    expect(isOverdue(task, Date.parse("2031-03-11T00:00:00Z"))).toBe(true);
  });
});

describe("recurrence presets", () => {
  it("writes and reads back each preset", () => {
    const cases = [
      [{ kind: "daily", interval: 1 }, "FREQ=DAILY"],
      [{ kind: "daily", interval: 3 }, "FREQ=DAILY;INTERVAL=3"],
      [{ kind: "weekdays" }, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"],
      [{ kind: "weekly", interval: 2, days: ["FR", "MO"] }, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"],
      [{ kind: "monthly", nth: -1, day: "FR" }, "FREQ=MONTHLY;BYDAY=-1FR"],
    ] as const;
    for (const [preset, rule] of cases) {
      expect(toRule(preset as never)).toBe(rule);
      expect(toRule(fromRule(rule))).toBe(rule);
    }
  });

  it("shows a rule the presets cannot describe as custom", () => {
    expect(fromRule("FREQ=MONTHLY;BYMONTHDAY=-1")).toEqual({ kind: "custom", rule: "FREQ=MONTHLY;BYMONTHDAY=-1" });
    expect(fromRule("FREQ=WEEKLY;COUNT=3")).toEqual({ kind: "custom", rule: "FREQ=WEEKLY;COUNT=3" });
  });

  it("finds the nth weekday of a date", () => {
    expect(nthWeekdayOf("2031-03-10")).toEqual({ nth: 2, day: "MO" });
    expect(nthWeekdayOf("2031-03-31")).toEqual({ nth: -1, day: "MO" });
  });
});

describe("replaying an offline edit", () => {
  const task = {
    id: "tsk_1",
    title: "Pay rent",
    priority: "high",
    tags: ["home", "money"],
    dueAt: "2031-03-10T08:00:00.000Z",
    sortOrder: 3,
    version: 7,
  } as unknown as Task;

  it("finds an edit the hub already holds: no merge with itself", () => {
    expect(alreadySaved({ sortOrder: 3 }, task)).toBe(true);
    expect(alreadySaved({ title: "Pay rent", priority: "high", tags: ["home", "money"] }, task)).toBe(true);
    // Version and scope describe the request, not the task.
    expect(alreadySaved({ sortOrder: 3, version: 2, scope: "this" } as TaskPatch, task)).toBe(true);
    // The same instant, written with an offset.
    expect(alreadySaved({ dueAt: "2031-03-10T09:00:00+01:00" }, task)).toBe(true);
  });

  it("sees any difference as a change, which gets the merge choice", () => {
    expect(alreadySaved({ sortOrder: 2 }, task)).toBe(false);
    expect(alreadySaved({ sortOrder: 3, priority: "low" }, task)).toBe(false);
    expect(alreadySaved({ tags: ["money", "home"] }, task)).toBe(false);
    expect(alreadySaved({ dueAt: null }, task)).toBe(false);
    expect(alreadySaved({ dueAt: "2031-03-10T08:00:01.000Z" }, task)).toBe(false);
  });
});

describe("offline queue", () => {
  it("queues on a plain-http origin (no crypto.randomUUID) and keeps a create's clientId for its replay", () => {
    const stored = new Map<string, string>();
    vi.stubGlobal("localStorage", { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) });
    vi.stubGlobal("window", { dispatchEvent: () => true });
    // What a browser offers outside a secure context: getRandomValues, no randomUUID.
    vi.stubGlobal("crypto", { getRandomValues: (array: Uint8Array) => webcrypto.getRandomValues(array) });
    try {
      enqueue({ kind: "create", body: { title: "Call the plumber", clientId: "web_0123" } });
      enqueue({ kind: "complete", id: "task_1" });
      const queue = readQueue();
      expect(queue.map((edit) => edit.kind)).toEqual(["create", "complete"]);
      expect(queue[0]).toMatchObject({ kind: "create", body: { title: "Call the plumber", clientId: "web_0123" } });
      expect(queue.map((edit) => edit.key)).toEqual([expect.stringMatching(/^web_[0-9a-f]{32}$/), expect.stringMatching(/^web_[0-9a-f]{32}$/)]);
      expect(queue[0]!.key).not.toBe(queue[1]!.key);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
