import { z } from "zod";

/**
 * The date range every analytics endpoint takes: `from` and `to` are UTC
 * dates, both included. The default is the last 30 days up to today.
 */
export const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 400;

const day = z.iso.date().meta({ description: "YYYY-MM-DD (UTC), inclusive" });

export const analyticsQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    format: z.enum(["json", "csv"]).default("json").meta({ description: "csv returns one chart's rows; name it with `chart`" }),
    chart: z
      .string()
      .regex(/^[a-zA-Z]{1,40}$/)
      .optional()
      .meta({ description: "With format=csv: which chart's data to download" }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS < MAX_RANGE_DAYS, { message: `A range spans at most ${MAX_RANGE_DAYS} days`, path: ["to"] })
  .refine((q) => q.format !== "csv" || q.chart !== undefined, { message: "format=csv needs chart=<name>", path: ["chart"] });

export type AnalyticsQuery = z.output<typeof analyticsQuerySchema>;

export type Range = {
  from: string;
  to: string;
  /** from 00:00 UTC */
  start: Date;
  /** the day after `to`, 00:00 UTC, or now when `to` is today or later: the figures reach up to the current moment. */
  end: Date;
  now: Date;
  /** Every day of the range, in order. */
  days: string[];
};

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(dayText: string, n: number): string {
  return utcDay(new Date(Date.parse(`${dayText}T00:00:00Z`) + n * DAY_MS));
}

export function dayStart(dayText: string): Date {
  return new Date(`${dayText}T00:00:00Z`);
}

export function resolveRange(query: { from?: string; to?: string }, now = new Date()): Range {
  const to = query.to ?? utcDay(now);
  const from = query.from ?? addDays(to, -29);
  const start = dayStart(from);
  const after = dayStart(addDays(to, 1));
  const end = after.getTime() > now.getTime() ? new Date(Math.max(now.getTime(), start.getTime())) : after;
  const days: string[] = [];
  for (let d = from; d <= to && days.length < MAX_RANGE_DAYS + 1; d = addDays(d, 1)) days.push(d);
  return { from, to, start, end, now, days };
}

/** Monday of the ISO week that holds `dayText`. */
export function weekOf(dayText: string): string {
  const date = dayStart(dayText);
  const offset = (date.getUTCDay() + 6) % 7;
  return addDays(dayText, -offset);
}

export function weeksOf(days: string[]): string[] {
  return [...new Set(days.map(weekOf))];
}

/**
 * Splits a range at the rollups' reach: days up to `rolledThrough` come from
 * the rollup tables, the rest (today, and any day the job has not reached)
 * from the raw tables, so every range is exact up to now.
 */
export type Split = { rolled: { from: string; to: string } | null; live: { start: Date; end: Date } | null };

export function splitRange(range: Range, rolledThrough: string | null): Split {
  const rolledTo = rolledThrough && rolledThrough < range.to ? rolledThrough : range.to;
  const rolled = rolledThrough && range.from <= rolledTo ? { from: range.from, to: rolledTo } : null;
  const liveFrom = rolled ? addDays(rolled.to, 1) : range.from;
  const liveStart = dayStart(liveFrom);
  const live = liveFrom <= range.to && liveStart.getTime() < range.end.getTime() ? { start: liveStart, end: range.end } : null;
  return { rolled, live };
}
