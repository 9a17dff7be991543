import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { nextAfterCompletion, nextScheduled, occurrences, parseRule, type Series } from "@/lib/tasks/recurrence";
import { fromFloating, toFloating } from "@/lib/tasks/timezone";

/**
 * Our occurrences against an independent oracle: Python's dateutil.rrule,
 * with zoneinfo for the wall-clock → instant step. Each case starts from a
 * local wall-clock time in its zone; both sides expand the rule and list the
 * first N instants in UTC.
 */
type Case = { name: string; rrule: string; timezone: string; start: string; count: number; exdates?: string[] };

const PARIS = "Europe/Paris";
const NEW_YORK = "America/New_York";
const SYDNEY = "Australia/Sydney";

const CASES: Case[] = [
  // Europe/Paris: clocks go forward 2025-03-30 02:00, back 2025-10-26 03:00.
  { name: "Paris daily 09:00 across spring forward", rrule: "FREQ=DAILY", timezone: PARIS, start: "2025-03-27T09:00", count: 8 },
  { name: "Paris daily 02:30 through the spring gap", rrule: "FREQ=DAILY", timezone: PARIS, start: "2025-03-28T02:30", count: 5 },
  { name: "Paris daily 02:30 through the autumn fold", rrule: "FREQ=DAILY", timezone: PARIS, start: "2025-10-24T02:30", count: 5 },
  { name: "Paris Mon/Wed/Fri 18:00 across fall back", rrule: "FREQ=WEEKLY;BYDAY=MO,WE,FR", timezone: PARIS, start: "2025-10-20T18:00", count: 10 },
  { name: "Paris monthly on the 31st", rrule: "FREQ=MONTHLY;BYMONTHDAY=31", timezone: PARIS, start: "2025-01-31T09:00", count: 7 },
  { name: "Paris last day of month through a leap February", rrule: "FREQ=MONTHLY;BYMONTHDAY=-1", timezone: PARIS, start: "2024-01-31T20:00", count: 14 },
  { name: "Paris yearly from 29 February", rrule: "FREQ=YEARLY", timezone: PARIS, start: "2024-02-29T09:00", count: 3 },
  { name: "Paris second Tuesday", rrule: "FREQ=MONTHLY;BYDAY=2TU", timezone: PARIS, start: "2024-11-01T10:00", count: 12 },
  { name: "Paris last Friday", rrule: "FREQ=MONTHLY;BYDAY=-1FR", timezone: PARIS, start: "2025-01-01T16:30", count: 12 },
  { name: "Paris last weekday of the month (BYSETPOS=-1)", rrule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", timezone: PARIS, start: "2025-01-01T09:00", count: 12 },
  { name: "Paris first weekday of the month (BYSETPOS=1)", rrule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", timezone: PARIS, start: "2025-01-01T09:00", count: 12 },
  { name: "Paris second and second-to-last weekday", rrule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=2,-2", timezone: PARIS, start: "2025-02-01T07:45", count: 8 },
  { name: "Paris every 3 days until a UTC instant", rrule: "FREQ=DAILY;INTERVAL=3;UNTIL=20251115T000000Z", timezone: PARIS, start: "2025-10-01T08:15", count: 50 },
  { name: "Paris every other Sunday at 03:00", rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", timezone: PARIS, start: "2025-03-02T03:00", count: 10 },
  { name: "Paris Monday of ISO week 1", rrule: "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", timezone: PARIS, start: "2024-01-01T09:00", count: 5 },
  { name: "Paris last day of the year", rrule: "FREQ=YEARLY;BYYEARDAY=-1", timezone: PARIS, start: "2024-06-01T23:30", count: 3 },
  { name: "Paris 1st, 15th and last, with EXDATEs", rrule: "FREQ=MONTHLY;BYMONTHDAY=1,15,-1;COUNT=9", timezone: PARIS, start: "2025-02-01T12:00", count: 9, exdates: ["2025-02-15T12:00", "2025-03-31T12:00"] },
  { name: "Paris daily only on 29 February", rrule: "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", timezone: PARIS, start: "2023-01-01T10:00", count: 2 },
  // America/New_York: forward 2025-03-09 02:00, back 2025-11-02 02:00.
  { name: "New York daily 09:00 across spring forward", rrule: "FREQ=DAILY", timezone: NEW_YORK, start: "2025-03-06T09:00", count: 8 },
  { name: "New York daily 02:30 through the spring gap", rrule: "FREQ=DAILY", timezone: NEW_YORK, start: "2025-03-07T02:30", count: 5 },
  { name: "New York daily 01:30 through the autumn fold", rrule: "FREQ=DAILY", timezone: NEW_YORK, start: "2025-10-31T01:30", count: 5 },
  { name: "New York hourly across the fold", rrule: "FREQ=HOURLY;COUNT=6", timezone: NEW_YORK, start: "2025-11-02T00:00", count: 6 },
  { name: "New York hourly across the gap", rrule: "FREQ=HOURLY;COUNT=6", timezone: NEW_YORK, start: "2025-03-09T00:30", count: 6 },
  { name: "New York monthly on the 29th (leap and not)", rrule: "FREQ=MONTHLY;BYMONTHDAY=29", timezone: NEW_YORK, start: "2024-01-29T08:00", count: 14 },
  { name: "New York last day of February", rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", timezone: NEW_YORK, start: "2023-02-28T09:00", count: 6 },
  { name: "New York Tue/Thu with EXDATEs", rrule: "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", timezone: NEW_YORK, start: "2025-10-21T07:00", count: 10, exdates: ["2025-10-28T07:00", "2025-11-06T07:00"] },
  { name: "New York fourth Thursday of November", rrule: "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", timezone: NEW_YORK, start: "2024-01-01T12:00", count: 5 },
  { name: "New York first Monday of September", rrule: "FREQ=YEARLY;BYMONTH=9;BYDAY=1MO", timezone: NEW_YORK, start: "2024-01-01T09:00", count: 4 },
  { name: "New York every other month on the 31st", rrule: "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31", timezone: NEW_YORK, start: "2025-01-31T18:00", count: 6 },
  { name: "New York weekends every other week, week starting Sunday", rrule: "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SA,SU", timezone: NEW_YORK, start: "2025-10-25T10:00", count: 8 },
  { name: "New York monthly from the 31st (no BYMONTHDAY)", rrule: "FREQ=MONTHLY", timezone: NEW_YORK, start: "2024-10-31T09:00", count: 7 },
  // Australia/Sydney: back 2025-04-06 03:00, forward 2025-10-05 02:00.
  { name: "Sydney daily 09:00 across DST end", rrule: "FREQ=DAILY", timezone: SYDNEY, start: "2025-04-03T09:00", count: 8 },
  { name: "Sydney daily 02:30 through the October gap", rrule: "FREQ=DAILY", timezone: SYDNEY, start: "2025-10-03T02:30", count: 5 },
  { name: "Sydney daily 02:30 through the April fold", rrule: "FREQ=DAILY", timezone: SYDNEY, start: "2025-04-04T02:30", count: 4 },
  { name: "Sydney Sundays at 02:15", rrule: "FREQ=WEEKLY;BYDAY=SU;COUNT=6", timezone: SYDNEY, start: "2025-09-21T02:15", count: 6 },
  { name: "Sydney monthly on the 31st late at night", rrule: "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=6", timezone: SYDNEY, start: "2024-12-31T23:30", count: 6 },
  { name: "Sydney 29 February yearly", rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=3", timezone: SYDNEY, start: "2024-02-29T07:00", count: 3 },
  { name: "Sydney first Sunday 02:30 from BYHOUR/BYMINUTE", rrule: "FREQ=MONTHLY;BYDAY=1SU;BYHOUR=2;BYMINUTE=30;BYSECOND=0", timezone: SYDNEY, start: "2025-01-01T00:00", count: 12 },
  { name: "Sydney daily until a UTC instant across the gap", rrule: "FREQ=DAILY;UNTIL=20251010T000000Z", timezone: SYDNEY, start: "2025-10-01T02:30", count: 50 },
  { name: "Sydney all-day daily across the gap", rrule: "FREQ=DAILY;COUNT=4", timezone: SYDNEY, start: "2025-10-03T00:00", count: 4 },
  { name: "Sydney last Wednesday, quarterly", rrule: "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1WE", timezone: SYDNEY, start: "2024-03-01T17:00", count: 8 },
];

function parseLocal(local: string): Date {
  const [date, time] = local.split("T") as [string, string];
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, d, hh, mm));
}

function seriesOf(c: Case): Series {
  const parsed = parseRule(c.rrule);
  if (!parsed.ok) throw new Error(`${c.name}: ${parsed.message}`);
  return {
    rule: parsed.rule,
    timezone: c.timezone,
    start: fromFloating(parseLocal(c.start), c.timezone),
    exdates: (c.exdates ?? []).map((local) => fromFloating(parseLocal(local), c.timezone)),
  };
}

const ORACLE = String.raw`
import json, sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
from dateutil.rrule import rrulestr, rruleset

out = []
for c in json.load(sys.stdin):
    tz = ZoneInfo(c["timezone"])
    start = datetime.fromisoformat(c["start"]).replace(tzinfo=tz)
    rules = rruleset()
    rules.rrule(rrulestr(c["rrule"], dtstart=start))
    for ex in c.get("exdates") or []:
        rules.exdate(datetime.fromisoformat(ex).replace(tzinfo=tz))
    found = []
    for occurrence in rules:
        found.append(occurrence.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        if len(found) >= c["count"]:
            break
    out.append(found)
print(json.dumps(out))
`;

const hasOracle = spawnSync("python3", ["-c", "import dateutil, zoneinfo; zoneinfo.ZoneInfo('Europe/Paris')"]).status === 0;

describe.skipIf(!hasOracle)("recurrence against dateutil.rrule", () => {
  const expected = hasOracle ? (JSON.parse(execFileSync("python3", ["-c", ORACLE], { input: JSON.stringify(CASES) }).toString("utf8")) as string[][]) : [];

  it("covers at least 30 rules in three zones", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.timezone))).toEqual(new Set([PARIS, NEW_YORK, SYDNEY]));
    expect(expected.every((list) => list.length > 0)).toBe(true);
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))("%s: the first occurrences match", (_name, i) => {
    const c = CASES[i]!;
    expect(occurrences(seriesOf(c), c.count).map((d) => d.toISOString())).toEqual(expected[i]);
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))("%s: stepping occurrence by occurrence matches", (_name, i) => {
    const c = CASES[i]!;
    const series = seriesOf(c);
    const list = expected[i]!;
    for (let k = 0; k + 1 < list.length; k++) {
      // Two local times in a spring-forward gap can name one instant (hourly rules); "next" is the next later instant.
      const later = list.slice(k + 1).find((iso) => iso > list[k]!);
      if (later) expect(nextScheduled(series, new Date(list[k]!))?.toISOString(), `after ${list[k]}`).toBe(later);
    }
    // Past the last listed date the series either ends (COUNT/UNTIL reached) or goes on.
    const last = nextScheduled(series, new Date(list.at(-1)!));
    if (list.length < c.count) expect(last).toBeNull();
  });
});

describe("recurrence in the task's time zone", () => {
  it("keeps 09:00 Paris at 09:00 local across the change to summer time", () => {
    const series = seriesOf({ name: "", rrule: "FREQ=DAILY", timezone: PARIS, start: "2025-03-29T09:00", count: 3 });
    const dates = occurrences(series, 3);
    expect(dates.map((d) => d.toISOString())).toEqual(["2025-03-29T08:00:00.000Z", "2025-03-30T07:00:00.000Z", "2025-03-31T07:00:00.000Z"]);
    expect(dates.map((d) => toFloating(d, PARIS).getUTCHours())).toEqual([9, 9, 9]);
  });

  it("reads a non-existent local time with the offset from before the gap, and a repeated one as the first", () => {
    expect(fromFloating(parseLocal("2025-03-30T02:30"), PARIS).toISOString()).toBe("2025-03-30T01:30:00.000Z");
    expect(fromFloating(parseLocal("2025-10-26T02:30"), PARIS).toISOString()).toBe("2025-10-26T00:30:00.000Z");
    expect(fromFloating(parseLocal("2025-11-02T01:30"), NEW_YORK).toISOString()).toBe("2025-11-02T05:30:00.000Z");
  });

  it("skips months without a 31st and years without 29 February", () => {
    const monthly = seriesOf({ name: "", rrule: "FREQ=MONTHLY;BYMONTHDAY=31", timezone: NEW_YORK, start: "2025-01-31T09:00", count: 4 });
    expect(occurrences(monthly, 4).map((d) => toFloating(d, NEW_YORK).toISOString().slice(0, 10))).toEqual(["2025-01-31", "2025-03-31", "2025-05-31", "2025-07-31"]);
    const leap = seriesOf({ name: "", rrule: "FREQ=YEARLY", timezone: SYDNEY, start: "2024-02-29T09:00", count: 2 });
    expect(occurrences(leap, 2).map((d) => toFloating(d, SYDNEY).toISOString().slice(0, 10))).toEqual(["2024-02-29", "2028-02-29"]);
  });

  it("counts a completion-based interval from the local day of completion, at the series' time", () => {
    const series = seriesOf({ name: "", rrule: "FREQ=DAILY;INTERVAL=3", timezone: PARIS, start: "2025-03-01T09:00", count: 1 });
    // Completed on 20 March at 18:40 Paris time: next due 23 March at 09:00 Paris time.
    const next = nextAfterCompletion(series, fromFloating(parseLocal("2025-03-20T18:40"), PARIS), 1);
    expect(next?.toISOString()).toBe("2025-03-23T08:00:00.000Z");
    // Across the change to summer time the local time stays 09:00.
    const later = nextAfterCompletion(series, fromFloating(parseLocal("2025-03-28T07:00"), PARIS), 2);
    expect(later?.toISOString()).toBe("2025-03-31T07:00:00.000Z");
  });

  it("ends a completion-based series at COUNT and at UNTIL", () => {
    const counted = seriesOf({ name: "", rrule: "FREQ=WEEKLY;COUNT=2", timezone: PARIS, start: "2025-03-01T09:00", count: 1 });
    expect(nextAfterCompletion(counted, new Date("2025-03-02T10:00:00Z"), 1)).not.toBeNull();
    expect(nextAfterCompletion(counted, new Date("2025-03-09T10:00:00Z"), 2)).toBeNull();
    const until = seriesOf({ name: "", rrule: "FREQ=DAILY;UNTIL=20250305T000000Z", timezone: PARIS, start: "2025-03-01T09:00", count: 1 });
    expect(nextAfterCompletion(until, new Date("2025-03-05T10:00:00Z"), 4)).toBeNull();
  });

  it("treats a bare UNTIL date as the end of that local day", () => {
    const series = seriesOf({ name: "", rrule: "FREQ=DAILY;UNTIL=20250303", timezone: SYDNEY, start: "2025-03-01T21:00", count: 10 });
    expect(occurrences(series, 10).map((d) => toFloating(d, SYDNEY).toISOString().slice(0, 16))).toEqual(["2025-03-01T21:00", "2025-03-02T21:00", "2025-03-03T21:00"]);
  });

  it("refuses rules it cannot honour, naming the problem", () => {
    const refused: Array<[string, RegExp]> = [
      ["", /empty/],
      ["FREQ=MINUTELY", /FREQ must be one of/],
      ["FREQ=DAILY;COUNT=3;UNTIL=20250101T000000Z", /both COUNT and UNTIL/],
      ["FREQ=WEEKLY;BYDAY=2MO", /only with FREQ=MONTHLY or YEARLY/],
      ["FREQ=MONTHLY;BYMONTHDAY=32", /outside/],
      ["FREQ=MONTHLY;BYMONTHDAY=0", /outside/],
      ["FREQ=DAILY;DTSTART=20250101T000000Z", /must not contain DTSTART/],
      ["FREQ=DAILY;INTERVAL=0", /outside/],
      ["FREQ=DAILY;BYSETPOS=1", /BYSETPOS only with another/],
      ["FREQ=DAILY;FOO=1", /unsupported part FOO/],
      ["FREQ=DAILY\nEXDATE:20250101", /single RRULE line/],
      ["FREQ=DAILY;UNTIL=20250230", /invalid UNTIL/],
      ["FREQ=WEEKLY;BYMONTHDAY=1", /BYMONTHDAY with FREQ=WEEKLY/],
    ];
    for (const [rule, message] of refused) {
      const parsed = parseRule(rule);
      expect(parsed.ok, rule).toBe(false);
      if (!parsed.ok) expect(parsed.message, rule).toMatch(message);
    }
    const accepted = parseRule("rrule:freq=monthly;byday=-1fr");
    expect(accepted.ok && accepted.rule.text).toBe("FREQ=MONTHLY;BYDAY=-1FR");
  });

  it("still finds the next date of a daily series that has run for 35 years", () => {
    const old = seriesOf({ name: "", rrule: "FREQ=DAILY", timezone: SYDNEY, start: "1990-01-01T07:30", count: 1 });
    expect(nextScheduled(old, new Date("2025-06-01T00:00:00Z"))?.toISOString()).toBe("2025-06-01T21:30:00.000Z");
  });

  it("gives up on a rule that never matches without scanning to year 9999", () => {
    const never = seriesOf({ name: "", rrule: "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", timezone: PARIS, start: "2025-01-01T09:00", count: 1 });
    const started = performance.now();
    expect(nextScheduled(never, never.start)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
