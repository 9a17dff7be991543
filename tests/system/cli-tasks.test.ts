import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, startCliHub, type CliHub } from "@/tests/helpers/cli";

/**
 * `message-hub tasks` against a real server: add with due dates and repeats
 * in words, list with filters (table and --json), show, done (the next
 * occurrence of a recurring task), edit with the version carried and a 409
 * explained, and unknown ids (exit 4).
 */

let hub: CliHub;
let env: Record<string, string>;
const run = (...args: string[]) => cli(args, { env });
const json = async (...args: string[]) => {
  const result = await run(...args, "--json");
  expect(result.stderr, args.join(" ")).toBe("");
  expect(result.code, args.join(" ")).toBe(0);
  return JSON.parse(result.stdout);
};

beforeAll(async () => {
  hub = await startCliHub();
  // The CLI reads --due in the machine's zone: Europe/Paris (tests/helpers/cli.ts).
  env = { MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: hub.key };
});

afterAll(async () => {
  await hub?.stop();
});

/** The wall-clock time of an instant in Paris: "Mon 09:00". */
const paris = (iso: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso)).replace(",", "");

describe("tasks", () => {
  let recurring: any;

  it("adds a recurring task from words: --due in local time, --every as an RRULE in the local zone", async () => {
    const added = await run("tasks", "add", "Water the plants", "--due", "tomorrow 9am", "--every", "weekly on mon,thu", "--priority", "high", "--tag", "home,garden", "--remind", "15");
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Added task_[0-9a-z]{26} "Water the plants", due \d{4}-\d{2}-\d{2} 09:00:00 \+0[12]:00, repeating every week on Mon, Thu \(FREQ=WEEKLY;BYDAY=MO,TH\)\.\n$/);
    const id = /task_[0-9a-z]{26}/.exec(added.stdout)![0];
    recurring = await json("tasks", "show", id);
    expect(recurring).toMatchObject({ title: "Water the plants", priority: "high", rrule: "FREQ=WEEKLY;BYDAY=MO,TH", timezone: "Europe/Paris", allDay: false, status: "todo", version: 1 });
    expect(recurring.tags.sort()).toEqual(["garden", "home"]);
    expect(recurring.reminders).toEqual([expect.objectContaining({ offsetMinutes: 15, relativeTo: "due" })]);
    expect(paris(recurring.dueAt)).toMatch(/ 09:00$/);
    // "tomorrow" by the Paris calendar.
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString("en-CA", { timeZone: "Europe/Paris" });
    expect(new Date(recurring.dueAt).toLocaleDateString("en-CA", { timeZone: "Europe/Paris" })).toBe(tomorrow);
  });

  it("a day without a time is an all-day task; monthly phrases become monthly rules", async () => {
    const task = await json("tasks", "add", "Pay rent", "--due", "2031-07-01", "--every", "monthly on the 1st");
    expect(task).toMatchObject({ allDay: true, rrule: "FREQ=MONTHLY;BYMONTHDAY=1" });
    // Local midnight of that day in the task's zone.
    expect(new Date(task.dueAt).toLocaleString("en-CA", { timeZone: "Europe/Paris", hourCycle: "h23" })).toBe("2031-07-01, 00:00:00");
    const added = await run("tasks", "add", "Dentist", "--due", "2031-07-02");
    expect(added.stdout).toMatch(/, due 2031-07-02 \(all day\)\.\n$/);
    const second = await json("tasks", "add", "Patch Tuesday", "--due", "2031-07-01 10:00", "--every", "monthly on the 2nd tuesday");
    expect(second.rrule).toBe("FREQ=MONTHLY;BYDAY=2TU");
  });

  it("lists open tasks as a table that fits 80 columns, and as the API's page with --json", async () => {
    await json("tasks", "add", "Call the bank", "--due", "in 2 hours");
    const table = await run("tasks");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+DUE\s+PRI\s+.*TITLE$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(table.stdout).toContain(recurring.id);
    expect(table.stdout).toMatch(/Water the plants/);

    const page = await json("tasks");
    expect(page).toMatchObject({ hasMore: false, nextCursor: null });
    expect(page.data.map((t: any) => t.title).sort()).toEqual(["Call the bank", "Dentist", "Patch Tuesday", "Pay rent", "Water the plants"]);
  });

  it("filters: priority, tag, search, due-before in words, limit with a next-page hint", async () => {
    expect((await json("tasks", "--priority", "high")).data.map((t: any) => t.title)).toEqual(["Water the plants"]);
    expect((await json("tasks", "list", "--tag", "garden")).data.map((t: any) => t.title)).toEqual(["Water the plants"]);
    expect((await json("tasks", "--search", "bank")).data.map((t: any) => t.title)).toEqual(["Call the bank"]);
    const soon = (await json("tasks", "--due-before", "in 3 days")).data.map((t: any) => t.title).sort();
    expect(soon).toEqual(["Call the bank", "Water the plants"]);
    const limited = await run("tasks", "--limit", "1", "--sort", "createdAt");
    expect(limited.code).toBe(0);
    expect(limited.stdout.trim().split("\n")).toHaveLength(2);
    expect(limited.stderr).toMatch(/^More: message-hub tasks --cursor \S+ \(with the same filters\)\n$/);
    const next = /--cursor (\S+)/.exec(limited.stderr)![1]!;
    const page2 = await json("tasks", "--limit", "1", "--sort", "createdAt", "--cursor", next);
    expect(page2.data).toHaveLength(1);
  });

  it("done completes a recurring task and shows its next occurrence; --all lists done ones", async () => {
    const done = await run("tasks", "done", recurring.id);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`^Done: ${recurring.id} "Water the plants"\\.\\nNext: task_[0-9a-z]{26}, due .+ 09:00:00 \\+0[12]:00\\.\\n$`));
    const nextId = /Next: (task_[0-9a-z]{26})/.exec(done.stdout)![1]!;
    const next = await json("tasks", "show", nextId);
    expect(["Mon 09:00", "Thu 09:00"]).toContain(paris(next.dueAt));
    expect(next.status).toBe("todo");

    const again = await json("tasks", "done", nextId);
    expect(again.task).toMatchObject({ id: nextId, status: "done" });
    expect(again.next).toMatchObject({ title: "Water the plants", status: "todo" });

    expect((await json("tasks")).data.map((t: any) => t.id)).not.toContain(recurring.id);
    expect((await json("tasks", "--all")).data.map((t: any) => t.id)).toContain(recurring.id);
    expect((await json("tasks", "--status", "done")).data.map((t: any) => t.id).sort()).toEqual([recurring.id, nextId].sort());
  });

  it("edit carries the current version; a stale --if-version is refused with what the task is now", async () => {
    const task = await json("tasks", "add", "Draft the report", "--due", "friday 5pm");
    const edited = await run("tasks", "edit", task.id, "--priority", "high", "--title", "Draft the Q3 report", "--due", "next monday 10am");
    expect(edited.code).toBe(0);
    expect(edited.stdout).toBe(`Updated ${task.id} "Draft the Q3 report" (now version 2).\n`);
    const after = await json("tasks", "show", task.id);
    expect(after).toMatchObject({ title: "Draft the Q3 report", priority: "high", version: 2 });
    expect(paris(after.dueAt)).toBe("Mon 10:00");

    // Someone else changes it (a browser, another CLI): version 3.
    const other = await hub.api("PATCH", `/api/v1/tasks/${task.id}`, { status: "in_progress", version: 2 });
    expect(other.status).toBe(200);

    const stale = await run("tasks", "edit", task.id, "--title", "My title", "--if-version", "2");
    expect(stale.code).toBe(1);
    expect(stale.stdout).toBe("");
    expect(stale.stderr.trim().split("\n")).toHaveLength(1);
    expect(stale.stderr).toContain(`error: Not changed: the task was changed by someone else since version 2; it is now version 3: "Draft the Q3 report", in progress, high, due`);
    expect(stale.stderr).toContain(`run the edit again (with --if-version 3 to apply it on top)`);
    expect(stale.stderr).toContain("Server: The task changed since version 2; it is at version 3.");
    expect((await json("tasks", "show", task.id)).title).toBe("Draft the Q3 report");

    const retried = await json("tasks", "edit", task.id, "--title", "My title", "--if-version", "3");
    expect(retried).toMatchObject({ title: "My title", status: "in_progress", version: 4 });

    const cleared = await json("tasks", "edit", task.id, "--due", "none", "--tag", "");
    expect(cleared.dueAt).toBeNull();
    const nothing = await run("tasks", "edit", task.id);
    expect(nothing.code).toBe(2);
  });

  it("unknown ids are exit 4 with the server's detail", async () => {
    for (const args of [["tasks", "show", "task_00000000000000000000000000"], ["tasks", "done", "task_00000000000000000000000000"], ["tasks", "edit", "task_00000000000000000000000000", "--title", "x"]]) {
      const result = await run(...args);
      expect(result.code, args.join(" ")).toBe(4);
      expect(result.stderr).toBe("error: Not found: Task not found\n");
    }
  });

  it("--every without --due, and a --due it cannot read, are usage errors", async () => {
    const noDue = await run("tasks", "add", "x", "--every", "daily");
    expect(noDue.code).toBe(2);
    expect(noDue.stderr).toMatch(/--every needs --due/);
    const bad = await run("tasks", "add", "x", "--due", "when pigs fly");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --due: cannot read 'when pigs fly'/);
  });
});
