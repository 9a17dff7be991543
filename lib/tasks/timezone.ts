/**
 * Wall-clock arithmetic in IANA time zones, without a date library.
 *
 * Recurrence rules are expanded on "floating" dates: a Date whose UTC fields
 * hold the local wall-clock time (2025-03-30 09:00 in Paris is the floating
 * Date 2025-03-30T09:00:00Z). Converting back to a real instant applies the
 * zone's offset for that wall-clock time, so "every day at 09:00" stays at
 * 09:00 local time on both sides of a daylight-saving change.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      era: "short",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows this IANA zone name ("Europe/Paris", "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall-clock time of an instant in a zone, as a floating Date (milliseconds kept). */
export function toFloating(instant: Date, timeZone: string): Date {
  const ms = instant.getTime();
  const seconds = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(seconds))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === "BC" || parts.era === "B") year = 1 - year;
  const floating = new Date(0);
  floating.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  floating.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), ms - seconds);
  return floating;
}

/** The zone's UTC offset at an instant, in milliseconds (Paris in summer: +7 200 000). */
export function offsetAt(instant: Date, timeZone: string): number {
  const seconds = Math.floor(instant.getTime() / 1000) * 1000;
  return toFloating(new Date(seconds), timeZone).getTime() - seconds;
}

const DAY_MS = 86_400_000;

/**
 * The instant at which a zone's clocks show a wall-clock time, with the
 * RFC 5545 (and Python `fold=0`) rules for the two awkward cases:
 * - a time that happens twice (clocks go back) is the first of the two;
 * - a time that never happens (clocks go forward) is read with the offset in
 *   force before the change, so 02:30 on a spring-forward night becomes 03:30.
 */
export function fromFloating(floating: Date, timeZone: string): Date {
  const wall = floating.getTime();
  const before = offsetAt(new Date(wall - DAY_MS), timeZone);
  const after = offsetAt(new Date(wall + DAY_MS), timeZone);
  const early = wall - before;
  const late = wall - after;
  const earlyValid = offsetAt(new Date(early), timeZone) === before;
  const lateValid = offsetAt(new Date(late), timeZone) === after;
  if (earlyValid && lateValid) return new Date(Math.min(early, late));
  if (earlyValid) return new Date(early);
  if (lateValid) return new Date(late);
  // Inside a gap: keep the offset from before the transition.
  return new Date(early);
}

/** Local midnight of the day an instant falls on, in a zone. */
export function startOfLocalDay(instant: Date, timeZone: string): Date {
  const floating = toFloating(instant, timeZone);
  floating.setUTCHours(0, 0, 0, 0);
  return fromFloating(floating, timeZone);
}

/** Local midnight `days` calendar days after the day an instant falls on. */
export function addLocalDays(instant: Date, days: number, timeZone: string): Date {
  const floating = toFloating(instant, timeZone);
  floating.setUTCHours(0, 0, 0, 0);
  floating.setUTCDate(floating.getUTCDate() + days);
  return fromFloating(floating, timeZone);
}

/** Local midnight of a calendar date ("2025-03-30") in a zone. */
export function localDateToInstant(date: string, timeZone: string): Date {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return fromFloating(new Date(Date.UTC(year, month - 1, day)), timeZone);
}
