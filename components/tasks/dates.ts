import * as chrono from "chrono-node";

/**
 * Wall-clock time in a named time zone, both ways, with Intl only: the task's
 * zone (not the browser's) decides what "9am" means and how a due date reads.
 */
function parts(instant: Date, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  const format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  for (const part of format.formatToParts(instant)) if (part.type !== "literal") out[part.type] = Number(part.value);
  return out;
}

/** The zone's offset from UTC at an instant, in minutes (Paris in summer: 120). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** "2031-03-10T09:00" read as wall-clock time in `timeZone` → the instant. */
export function zonedToInstant(local: string, timeZone: string): Date {
  const [date, time = "00:00"] = local.split("T");
  const [y, m, d] = date!.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const guess = Date.UTC(y!, m! - 1, d!, hh!, mm!);
  let instant = guess - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  // Near a DST change the offset at the guess can differ from the offset at the answer.
  instant = guess - zoneOffsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The instant as "YYYY-MM-DDTHH:mm" in `timeZone`, for a datetime-local input. */
export function instantToZoned(iso: string, timeZone: string): string {
  const p = parts(new Date(iso), timeZone);
  return `${p.year}-${pad(p.month!)}-${pad(p.day!)}T${pad(p.hour! % 24)}:${pad(p.minute!)}`;
}

export function formatDue(iso: string, timeZone: string, allDay: boolean): string {
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = allDay
    ? { timeZone, weekday: "short", day: "numeric", month: "short" }
    : { timeZone, weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };
  return new Intl.DateTimeFormat(undefined, options).format(date);
}

export function isOverdue(task: { dueAt: string | null; allDay: boolean; status: string; timezone: string }, now = Date.now()): boolean {
  if (!task.dueAt || task.status === "done") return false;
  const due = new Date(task.dueAt).getTime();
  // An all-day task is overdue only once its local day is over.
  return task.allDay ? due + 24 * 3_600_000 <= now : due < now;
}

export type QuickAdd = { title: string; dueAt: string | null; allDay: boolean; matched: string | null };

/**
 * Quick add: "Pay rent tomorrow 9am" → title "Pay rent", due tomorrow at 09:00
 * in the user's zone. chrono reads the text against "now" in that zone, and
 * only forward (a bare "friday" is the next one). A date with no time is an
 * all-day task, sent as a bare date.
 */
export function parseQuickAdd(text: string, timeZone: string, now = new Date()): QuickAdd {
  const trimmed = text.trim();
  const [result] = chrono.parse(trimmed, { instant: now, timezone: zoneOffsetMinutes(now, timeZone) }, { forwardDate: true });
  if (!result) return { title: trimmed, dueAt: null, allDay: false, matched: null };
  const title = (trimmed.slice(0, result.index) + trimmed.slice(result.index + result.text.length)).replace(/\s+/g, " ").replace(/\s+(on|at|by|due)$/i, "").trim();
  if (!title) return { title: trimmed, dueAt: null, allDay: false, matched: null };
  const start = result.start;
  if (!start.isCertain("hour")) {
    const date = `${start.get("year")}-${pad(start.get("month")!)}-${pad(start.get("day")!)}`;
    return { title, dueAt: date, allDay: true, matched: result.text };
  }
  const local = `${start.get("year")}-${pad(start.get("month")!)}-${pad(start.get("day")!)}T${pad(start.get("hour")!)}:${pad(start.get("minute") ?? 0)}`;
  return { title, dueAt: zonedToInstant(local, timeZone).toISOString(), allDay: false, matched: result.text };
}
