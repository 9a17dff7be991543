import { describe, expect, it } from "vitest";
import { describeRrule, everyToRrule, EVERY_EXAMPLES } from "@/cli/recurrence.mjs";
import { occurrences, parseRule } from "@/lib/tasks/recurrence";
import { fromFloating } from "@/lib/tasks/timezone";

/**
 * `tasks add --every "…"`: each phrase, the RRULE it becomes, and proof that
 * the server both accepts the rule and expands it to the dates the phrase
 * means.
 */
const TABLE: Array<[phrase: string, rrule: string]> = [
  ["daily", "FREQ=DAILY"],
  ["every day", "FREQ=DAILY"],
  ["Daily", "FREQ=DAILY"],
  ["hourly", "FREQ=HOURLY"],
  ["every 4 hours", "FREQ=HOURLY;INTERVAL=4"],
  ["every 3 days", "FREQ=DAILY;INTERVAL=3"],
  ["weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"],
  ["every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"],
  ["weekends", "FREQ=WEEKLY;BYDAY=SA,SU"],
  ["weekly", "FREQ=WEEKLY"],
  ["every week", "FREQ=WEEKLY"],
  ["weekly on mon", "FREQ=WEEKLY;BYDAY=MO"],
  ["weekly on mon,wed", "FREQ=WEEKLY;BYDAY=MO,WE"],
  ["weekly on wed, mon", "FREQ=WEEKLY;BYDAY=MO,WE"],
  ["weekly on monday and friday", "FREQ=WEEKLY;BYDAY=MO,FR"],
  ["weekly on tues & thurs", "FREQ=WEEKLY;BYDAY=TU,TH"],
  ["every monday", "FREQ=WEEKLY;BYDAY=MO"],
  ["every mon and wed", "FREQ=WEEKLY;BYDAY=MO,WE"],
  ["every tuesdays", "FREQ=WEEKLY;BYDAY=TU"],
  ["every other friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"],
  ["every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"],
  ["every other week", "FREQ=WEEKLY;INTERVAL=2"],
  ["fortnightly", "FREQ=WEEKLY;INTERVAL=2"],
  ["every 2 weeks on mon,fri", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"],
  ["monthly", "FREQ=MONTHLY"],
  ["every 2 months", "FREQ=MONTHLY;INTERVAL=2"],
  ["quarterly", "FREQ=MONTHLY;INTERVAL=3"],
  ["monthly on the 2nd tuesday", "FREQ=MONTHLY;BYDAY=2TU"],
  ["monthly on the second tuesday", "FREQ=MONTHLY;BYDAY=2TU"],
  ["monthly on the last friday", "FREQ=MONTHLY;BYDAY=-1FR"],
  ["monthly on the first monday", "FREQ=MONTHLY;BYDAY=1MO"],
  ["monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15"],
  ["monthly on day 15", "FREQ=MONTHLY;BYMONTHDAY=15"],
  ["monthly on the 1st and 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15"],
  ["monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"],
  ["monthly on the first weekday", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"],
  ["monthly on the last weekday", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"],
  ["every 3 months on the last day", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1"],
  ["yearly", "FREQ=YEARLY"],
  ["annually", "FREQ=YEARLY"],
  ["yearly on mar 14", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14"],
  ["yearly on 14th march", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14"],
  ["every 3 days until 2026-12-31", "FREQ=DAILY;INTERVAL=3;UNTIL=20261231"],
  ["weekly on fri for 10 times", "FREQ=WEEKLY;BYDAY=FR;COUNT=10"],
  ["daily 5 times", "FREQ=DAILY;COUNT=5"],
  ["FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"],
  ["RRULE:freq=daily;interval=2", "FREQ=DAILY;INTERVAL=2"],
];

describe("--every phrases → RRULE", () => {
  it.each(TABLE)("%s → %s, and the server accepts it", (phrase, rrule) => {
    expect(everyToRrule(phrase)).toBe(rrule);
    const parsed = parseRule(rrule);
    expect(parsed.ok).toBe(true);
  });

  it("every example in the help translates", () => {
    for (const example of EVERY_EXAMPLES) expect(parseRule(everyToRrule(example)).ok).toBe(true);
  });

  it("an until in words goes through the given date reader", () => {
    expect(everyToRrule("daily until next friday", { parseUntil: (text) => (text === "next friday" ? "20250606" : "") })).toBe("FREQ=DAILY;UNTIL=20250606");
  });

  it.each([
    ["", /is empty/],
    ["sometimes", /cannot read 'sometimes'/],
    ["every 2nd tuesday", /ambiguous/],
    ["every second tuesday", /ambiguous/],
    ["daily at 9am", /time of day comes from --due/],
    ["every day at 9", /time of day comes from --due/],
    ["weekly on funday", /cannot read the days/],
    ["monthly on the 32nd", /not a day of the month|cannot read/],
    ["monthly on the 3rd blursday", /cannot read the day/],
    ["yearly on smarch 3", /cannot read the date/],
    ["daily until someday", /cannot read the date 'someday'/],
    ["daily until 2026-01-01 for 3 times", /not both/],
    ["hourly on mon", /cannot read|take no/],
  ])("refuses %j with a usage error", (phrase, message) => {
    let error: unknown;
    try {
      everyToRrule(phrase);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toMatch(message);
  });
});

describe("the rules mean what the phrases say", () => {
  const PARIS = "Europe/Paris";
  const local = (wall: string) => fromFloating(new Date(`${wall}:00Z`), PARIS);
  const expand = (phrase: string, start: string, count: number) => {
    const parsed = parseRule(everyToRrule(phrase));
    if (!parsed.ok) throw new Error(parsed.message);
    return occurrences({ rule: parsed.rule, timezone: PARIS, start: local(start), exdates: [] }, count).map((date) =>
      new Intl.DateTimeFormat("en-CA", { timeZone: PARIS, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false }).format(date),
    );
  };

  it("monthly on the 2nd tuesday: the second Tuesday of each month at the due time", () => {
    expect(expand("monthly on the 2nd tuesday", "2025-01-01T09:00", 3)).toEqual(["Tue, 2025-01-14, 09:00", "Tue, 2025-02-11, 09:00", "Tue, 2025-03-11, 09:00"]);
  });

  it("weekly on mon,wed: Mondays and Wednesdays", () => {
    expect(expand("weekly on mon,wed", "2025-06-02T18:30", 4)).toEqual(["Mon, 2025-06-02, 18:30", "Wed, 2025-06-04, 18:30", "Mon, 2025-06-09, 18:30", "Wed, 2025-06-11, 18:30"]);
  });

  it("weekdays skip the weekend", () => {
    expect(expand("weekdays", "2025-06-05T08:00", 3)).toEqual(["Thu, 2025-06-05, 08:00", "Fri, 2025-06-06, 08:00", "Mon, 2025-06-09, 08:00"]);
  });

  it("every 2 weeks from the due date", () => {
    expect(expand("every 2 weeks", "2025-06-06T16:00", 3)).toEqual(["Fri, 2025-06-06, 16:00", "Fri, 2025-06-20, 16:00", "Fri, 2025-07-04, 16:00"]);
  });

  it("monthly on the last day, through February", () => {
    expect(expand("monthly on the last day", "2025-01-31T12:00", 3)).toEqual(["Fri, 2025-01-31, 12:00", "Fri, 2025-02-28, 12:00", "Mon, 2025-03-31, 12:00"]);
  });
});

describe("RRULE → words for the tasks table", () => {
  it.each([
    ["FREQ=DAILY", "every day"],
    ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "weekdays"],
    ["FREQ=WEEKLY;BYDAY=MO,WE", "every week on Mon, Wed"],
    ["FREQ=WEEKLY;INTERVAL=2", "every other week"],
    ["FREQ=MONTHLY;BYDAY=2TU", "every month on the 2nd Tue"],
    ["FREQ=MONTHLY;BYDAY=-1FR", "every month on the last Fri"],
    ["FREQ=MONTHLY;BYMONTHDAY=1,22", "every month on the 1st, 22nd"],
    ["FREQ=MONTHLY;BYMONTHDAY=-1", "every month on the last day"],
    ["FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", "every month on the 1st weekday"],
    ["FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14", "every year on Mar 14"],
    ["FREQ=DAILY;INTERVAL=3;UNTIL=20261231", "every 3 days, until 2026-12-31"],
    ["FREQ=WEEKLY;BYDAY=FR;COUNT=10", "every week on Fri, 10 times"],
    ["FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO"],
  ])("%s → %s", (rrule, words) => {
    expect(describeRrule(rrule)).toBe(words);
  });
});
