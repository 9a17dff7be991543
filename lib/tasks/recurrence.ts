import * as rruleModule from "rrule";
import { fromFloating, toFloating } from "@/lib/tasks/timezone";

/**
 * Recurrence: RFC 5545 RRULEs expanded with the `rrule` package, in the
 * task's own time zone.
 *
 * The `rrule` package is given floating dates (UTC fields = local wall clock)
 * and no TZID, so its arithmetic is pure calendar arithmetic; each result is
 * then converted to an instant with the zone's offset for that wall-clock
 * time (lib/tasks/timezone.ts). UNTIL and EXDATE are applied to the instants.
 * tests/unit/tasks-recurrence.test.ts checks the results against Python's
 * dateutil.rrule.
 */

// `rrule` ships an ES module build ("module") and a UMD build ("main"). Bundlers
// pick the first, Node's loader the second, whose named exports sit on `default`.
type RRuleModule = typeof import("rrule");
const { RRule } = ("RRule" in rruleModule ? rruleModule : (rruleModule as unknown as { default: RRuleModule }).default) as RRuleModule;

const DAY_MS = 86_400_000;

const FREQUENCIES = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"] as const;
type Frequency = (typeof FREQUENCIES)[number];

export type ParsedRule = {
  /** The rule as stored: upper case, no `RRULE:` prefix. */
  text: string;
  freq: Frequency;
  count: number | null;
  until: { value: Date; kind: "utc" | "floating" | "date" } | null;
  /** Options for the `rrule` package, without dtstart, count and until. */
  options: Partial<import("rrule").Options>;
};

export type ParseResult = { ok: true; rule: ParsedRule } | { ok: false; message: string };

const WEEKDAY = "(MO|TU|WE|TH|FR|SA|SU)";
const listOf = (item: string) => new RegExp(`^${item}(,${item})*$`);
const signed = "[+-]?\\d{1,3}";

type Check = { pattern: RegExp; range?: [number, number]; nonZero?: boolean };
const PARTS: Record<string, Check> = {
  FREQ: { pattern: /^[A-Z]+$/ },
  INTERVAL: { pattern: /^\d{1,4}$/, range: [1, 1000] },
  COUNT: { pattern: /^\d{1,5}$/, range: [1, 10000] },
  UNTIL: { pattern: /^\d{8}(T\d{6}Z?)?$/ },
  BYDAY: { pattern: listOf(`([+-]?\\d{1,2})?${WEEKDAY}`) },
  BYMONTHDAY: { pattern: listOf(signed), range: [-31, 31], nonZero: true },
  BYMONTH: { pattern: listOf("\\d{1,2}"), range: [1, 12] },
  BYYEARDAY: { pattern: listOf(signed), range: [-366, 366], nonZero: true },
  BYWEEKNO: { pattern: listOf(signed), range: [-53, 53], nonZero: true },
  BYSETPOS: { pattern: listOf(signed), range: [-366, 366], nonZero: true },
  BYHOUR: { pattern: listOf("\\d{1,2}"), range: [0, 23] },
  BYMINUTE: { pattern: listOf("\\d{1,2}"), range: [0, 59] },
  BYSECOND: { pattern: listOf("\\d{1,2}"), range: [0, 59] },
  WKST: { pattern: new RegExp(`^${WEEKDAY}$`) },
};

/**
 * Parses and checks one RRULE value ("FREQ=WEEKLY;BYDAY=MO,WE" or with an
 * "RRULE:" prefix). DTSTART and TZID are not part of it: they come from the
 * task's due date and time zone. MINUTELY and SECONDLY are refused (a task
 * is not a cron job), as are the combinations RFC 5545 forbids.
 */
export function parseRule(input: string): ParseResult {
  let text = input.trim();
  if (/^RRULE:/i.test(text)) text = text.slice(6);
  text = text.toUpperCase();
  if (!text) return { ok: false, message: "is empty" };
  if (text.length > 500) return { ok: false, message: "is longer than 500 characters" };
  if (/[\r\n]/.test(text)) return { ok: false, message: "must be a single RRULE line (send exdates separately)" };

  const parts = new Map<string, string>();
  for (const part of text.split(";")) {
    if (!part) continue;
    const [key, value, extra] = part.split("=");
    if (!key || value === undefined || extra !== undefined || !value) return { ok: false, message: `has a malformed part '${part}'` };
    if (key === "DTSTART" || key === "TZID") return { ok: false, message: `must not contain ${key}: it comes from the task's dueAt and timezone` };
    const check = PARTS[key];
    if (!check) return { ok: false, message: `has an unsupported part ${key}` };
    if (parts.has(key)) return { ok: false, message: `has ${key} twice` };
    if (!check.pattern.test(value)) return { ok: false, message: `has an invalid ${key} '${value}'` };
    if (check.range) {
      for (const item of value.split(",")) {
        const n = Number(item.replace(/[A-Z]+$/, ""));
        if (n < check.range[0] || n > check.range[1] || (check.nonZero && n === 0)) return { ok: false, message: `has ${key} ${item} outside ${check.range[0]}..${check.range[1]}` };
      }
    }
    parts.set(key, value);
  }

  const freq = parts.get("FREQ");
  if (!freq) return { ok: false, message: "needs FREQ" };
  if (!(FREQUENCIES as readonly string[]).includes(freq)) return { ok: false, message: `FREQ must be one of ${FREQUENCIES.join(", ")}` };
  const frequency = freq as Frequency;
  if (parts.has("COUNT") && parts.has("UNTIL")) return { ok: false, message: "must not have both COUNT and UNTIL" };
  const byday = parts.get("BYDAY");
  if (byday && /\d/.test(byday)) {
    if (frequency !== "MONTHLY" && frequency !== "YEARLY") return { ok: false, message: "may number BYDAY (2TU, -1FR) only with FREQ=MONTHLY or YEARLY" };
    if (frequency === "YEARLY" && parts.has("BYWEEKNO")) return { ok: false, message: "must not number BYDAY together with BYWEEKNO" };
    for (const item of byday.split(",")) {
      const n = Number(item.slice(0, -2) || "1");
      if (n === 0 || Math.abs(n) > (frequency === "MONTHLY" ? 5 : 53)) return { ok: false, message: `has BYDAY ${item} out of range` };
    }
  }
  if (parts.has("BYMONTHDAY") && frequency === "WEEKLY") return { ok: false, message: "must not use BYMONTHDAY with FREQ=WEEKLY" };
  if (parts.has("BYYEARDAY") && ["MONTHLY", "WEEKLY", "DAILY"].includes(frequency)) return { ok: false, message: `must not use BYYEARDAY with FREQ=${frequency}` };
  if (parts.has("BYWEEKNO") && frequency !== "YEARLY") return { ok: false, message: "may use BYWEEKNO only with FREQ=YEARLY" };
  if (parts.has("BYSETPOS") && ![...parts.keys()].some((key) => key.startsWith("BY") && key !== "BYSETPOS")) {
    return { ok: false, message: "may use BYSETPOS only with another BYxxx part" };
  }

  let until: ParsedRule["until"] = null;
  const untilText = parts.get("UNTIL");
  if (untilText) {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(untilText)!;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
    const value = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    if (value.getUTCMonth() !== month - 1 || value.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return { ok: false, message: `has an invalid UNTIL '${untilText}'` };
    until = { value, kind: m[4] === undefined ? "date" : m[7] ? "utc" : "floating" };
  }

  const rest = [...parts].filter(([key]) => key !== "UNTIL" && key !== "COUNT").map(([key, value]) => `${key}=${value}`).join(";");
  let options: Partial<import("rrule").Options>;
  try {
    options = RRule.parseString(rest);
  } catch (error) {
    return { ok: false, message: `could not be read (${(error as Error).message})` };
  }
  const count = parts.has("COUNT") ? Number(parts.get("COUNT")) : null;
  const canonical = [...parts].map(([key, value]) => `${key}=${value}`).join(";");
  return { ok: true, rule: { text: canonical, freq: frequency, count, until, options } };
}

/** Parses a rule that was checked when it was stored; a failure here is a bug. */
export function storedRule(text: string): ParsedRule {
  const parsed = parseRule(text);
  if (!parsed.ok) throw new Error(`stored rrule '${text}' ${parsed.message}`);
  return parsed.rule;
}

export type Series = {
  rule: ParsedRule;
  timezone: string;
  /** DTSTART: the series' first occurrence, an instant. Its local time of day is every occurrence's. */
  start: Date;
  exdates: readonly Date[];
};

/** UNTIL as an instant: a UTC value as is, a local one read in the series' zone (a bare date means to the end of that day). */
function untilInstant(series: Series): Date | null {
  const until = series.rule.until;
  if (!until) return null;
  if (until.kind === "utc") return until.value;
  if (until.kind === "floating") return fromFloating(until.value, series.timezone);
  const endOfDay = new Date(until.value);
  endOfDay.setUTCHours(23, 59, 59, 999);
  return fromFloating(endOfDay, series.timezone);
}

/**
 * Walks the rule from `dtstart` (floating) and collects up to `limit`
 * occurrences strictly after `after` (an instant; all from dtstart on when
 * null), skipping EXDATEs and stopping at UNTIL.
 */
function collect(series: Series, dtstart: Date, options: { after: Date | null; limit: number; useCount: boolean }): Date[] {
  const exdates = new Set(series.exdates.map((date) => date.getTime()));
  const until = untilInstant(series);
  // UNTIL is applied to instants below, not to the floating dates rrule sees.
  const rule = new RRule({ ...series.rule.options, dtstart, count: options.useCount ? series.rule.count : null, until: null, tzid: null });
  const work = limitWork(rule, series.rule.freq);
  // Converting a wall-clock time to an instant costs a few Intl calls; dates more
  // than a day before `after` are passed over on the wall clock alone.
  const afterWall = options.after ? toFloating(options.after, series.timezone).getTime() - DAY_MS : null;
  const out: Date[] = [];
  try {
    rule.all((floating) => {
      work.matched();
      const wall = floating.getTime();
      if (afterWall !== null && wall < afterWall) return true;
      const instant = fromFloating(floating, series.timezone);
      if (until && instant > until) return false;
      if (exdates.has(instant.getTime())) return true;
      if (options.after && instant <= options.after) return true;
      out.push(instant);
      return out.length < options.limit;
    });
  } catch (error) {
    if (!(error instanceof WorkLimitReached)) throw error;
  }
  return out;
}

class WorkLimitReached extends Error {}

/** Periods (years, months, weeks, days, hours) the `rrule` package may step through without finding a date. */
const MAX_BARREN_PERIODS: Record<Frequency, number> = { YEARLY: 1_000, MONTHLY: 2_400, WEEKLY: 5_200, DAILY: 10_000, HOURLY: 10_000 };

/**
 * A rule whose filters never match ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
 * makes the `rrule` package step period by period up to the year 9999,
 * seconds of CPU, because it checks UNTIL only on matching dates. Its loop
 * reads `options.interval` twice per period, so a getter there counts the
 * periods since the last match and stops the walk once too many pass without
 * one: 1 000 years, 200 years of months, 100 years of weeks, 27 years of days
 * or 14 months of hours (at most ~100 ms of CPU). A long-running series is
 * never cut short, because every match resets the count.
 */
function limitWork(rule: InstanceType<typeof RRule>, freq: Frequency): { matched: () => void } {
  const interval = rule.options.interval;
  const limit = 2 * MAX_BARREN_PERIODS[freq] + 1;
  let reads = 0;
  Object.defineProperty(rule.options, "interval", {
    get() {
      if (++reads > limit) throw new WorkLimitReached();
      return interval;
    },
  });
  return { matched: () => (reads = 0) };
}

function floatingStart(series: Series): Date {
  const start = toFloating(series.start, series.timezone);
  start.setUTCMilliseconds(0);
  return start;
}

/** The first `count` occurrences of a series, from its start (the start itself when the rule matches it). */
export function occurrences(series: Series, count: number, after: Date | null = null): Date[] {
  return collect(series, floatingStart(series), { after, limit: count, useCount: true });
}

/** recurFrom=schedule: the first occurrence after the given one, or null when the series has ended. */
export function nextScheduled(series: Series, after: Date): Date | null {
  return collect(series, floatingStart(series), { after, limit: 1, useCount: true })[0] ?? null;
}

/**
 * recurFrom=completion: the rule restarted on the local day of completion, at
 * the series' local time of day, and its first occurrence after that restart
 * point. "Every 3 days" completed on the 10th is next due on the 13th. COUNT
 * still caps the series: `index` is the 1-based position of the completed
 * occurrence.
 */
export function nextAfterCompletion(series: Series, completedAt: Date, index: number): Date | null {
  if (series.rule.count !== null && index >= series.rule.count) return null;
  const start = floatingStart(series);
  const anchor = toFloating(completedAt, series.timezone);
  anchor.setUTCHours(start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), 0);
  return collect(series, anchor, { after: fromFloating(anchor, series.timezone), limit: 1, useCount: false })[0] ?? null;
}
