import { fromFloating, toFloating } from "@/lib/tasks/timezone";

/**
 * Wall-clock schedule arithmetic for quiet hours and digests, in the user's
 * IANA zone (using the tasks feature's floating-date helpers, so a daylight-
 * saving change moves the instant, never the local time).
 */
const DAY_MS = 86_400_000;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

/** The first instant at or after `from` whose local time in `timeZone` is `hhmm`. */
export function nextLocalTime(from: Date, hhmm: string, timeZone: string): Date {
  const floating = toFloating(from, timeZone);
  const minutes = minutesOf(hhmm);
  const candidate = new Date(floating);
  candidate.setUTCHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  let instant = fromFloating(candidate, timeZone);
  // Step whole local days until it is not in the past (twice covers a DST gap day).
  for (let i = 0; instant.getTime() <= from.getTime() && i < 3; i++) {
    candidate.setUTCDate(candidate.getUTCDate() + 1);
    instant = fromFloating(candidate, timeZone);
  }
  return instant;
}

/** The next instant after `from` on local weekday `day` (0 Sunday) at local `hhmm`. */
export function nextLocalWeekday(from: Date, day: number, hhmm: string, timeZone: string): Date {
  let instant = nextLocalTime(from, hhmm, timeZone);
  for (let i = 0; i < 7 && toFloating(instant, timeZone).getUTCDay() !== day; i++) {
    instant = nextLocalTime(new Date(instant.getTime() + 60_000), hhmm, timeZone);
  }
  return instant;
}

/**
 * When quiet hours that cover `now` end, or null when `now` is outside them.
 * A start after the end spans midnight (22:00–07:00).
 */
export function quietHoursEnd(now: Date, quiet: { start: string | null; end: string | null }, timeZone: string): Date | null {
  if (!quiet.start || !quiet.end || quiet.start === quiet.end) return null;
  const local = toFloating(now, timeZone);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  return inside ? nextLocalTime(now, quiet.end, timeZone) : null;
}

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export { DAY_MS };
