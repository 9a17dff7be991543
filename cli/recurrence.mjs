import { UsageError } from "./errors.mjs";

/**
 * `tasks add --every "…"`: everyday phrases translated into the RFC 5545
 * RRULE the tasks API stores ("weekly on mon,wed" → FREQ=WEEKLY;BYDAY=MO,WE).
 * The time of day and the first occurrence come from --due, as DTSTART does
 * on the server; the rule only says how the dates repeat. A phrase that is
 * ambiguous or not understood is a usage error that shows what is.
 * tests/unit/cli-recurrence.test.ts holds the table of phrases.
 */

const DAYS = /** @type {const} */ ({
  mo: "MO",
  mon: "MO",
  monday: "MO",
  tu: "TU",
  tue: "TU",
  tues: "TU",
  tuesday: "TU",
  we: "WE",
  wed: "WE",
  weds: "WE",
  wednesday: "WE",
  th: "TH",
  thu: "TH",
  thur: "TH",
  thurs: "TH",
  thursday: "TH",
  fr: "FR",
  fri: "FR",
  friday: "FR",
  sa: "SA",
  sat: "SA",
  saturday: "SA",
  su: "SU",
  sun: "SU",
  sunday: "SU",
});
const WEEK_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"];
const WEEKEND = ["SA", "SU"];

const ORDINALS = /** @type {Record<string, number>} */ ({
  first: 1,
  "1st": 1,
  second: 2,
  "2nd": 2,
  third: 3,
  "3rd": 3,
  fourth: 4,
  "4th": 4,
  fifth: 5,
  "5th": 5,
  last: -1,
  "second last": -2,
  "2nd last": -2,
  "second to last": -2,
});

const MONTHS = /** @type {Record<string, number>} */ ({
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
});

const UNITS = /** @type {const} */ ({ hour: "HOURLY", day: "DAILY", week: "WEEKLY", month: "MONTHLY", year: "YEARLY" });
/** @typedef {(typeof UNITS)[keyof typeof UNITS]} Freq */

const ALIASES = /** @type {Record<string, string>} */ ({
  hourly: "every hour",
  daily: "every day",
  "every weekday": "every week on weekdays",
  weekdays: "every week on weekdays",
  "every weekend": "every week on weekends",
  weekends: "every week on weekends",
  weekly: "every week",
  fortnightly: "every 2 weeks",
  biweekly: "every 2 weeks",
  monthly: "every month",
  quarterly: "every 3 months",
  yearly: "every year",
  annually: "every year",
});

export const EVERY_EXAMPLES = [
  "daily",
  "weekdays",
  "weekly on mon,wed",
  "every 2 weeks",
  "every other friday",
  "monthly on the 2nd tuesday",
  "monthly on the 15th",
  "monthly on the last day",
  "yearly on mar 14",
  "every 3 days until 2026-12-31",
  "weekly on fri for 10 times",
];

/** @param {string} message */
function fail(message) {
  return new UsageError(`--every: ${message}`, { hint: `Try one of: ${EVERY_EXAMPLES.map((e) => `"${e}"`).join(", ")}, or a raw RRULE such as "FREQ=WEEKLY;BYDAY=MO".` });
}

/**
 * @param {string} phrase what the person typed
 * @param {{ parseUntil?: (text: string) => string }} [options] turns an "until" date into YYYYMMDD
 * @returns {string} the RRULE value, without "RRULE:"
 */
export function everyToRrule(phrase, options = {}) {
  const raw = phrase.trim();
  if (/^(rrule:)?freq=/i.test(raw)) return raw.replace(/^rrule:/i, "").toUpperCase();

  let text = raw
    .toLowerCase()
    .replace(/[.;]+$/, "")
    .replace(/\s*,\s*/g, ",")
    .replace(/\s+/g, " ")
    .trim();
  if (!text) throw fail("is empty");

  /** @type {string[]} */
  const tail = [];
  const count = /(?:^| )(?:for )?(\d{1,5}) (?:times|occurrences)$/.exec(text);
  if (count) {
    const n = Number(count[1]);
    if (n < 1) throw fail("needs at least 1 time");
    tail.push(`COUNT=${n}`);
    text = text.slice(0, count.index).trim();
  }
  const until = /(?:^| )until (.+)$/.exec(text);
  if (until) {
    if (count) throw fail("takes 'until' or 'N times', not both");
    const date = until[1] ?? "";
    const value = /^\d{4}-\d{2}-\d{2}$/.test(date) ? date.replaceAll("-", "") : options.parseUntil?.(date);
    if (!value) throw fail(`cannot read the date '${date}' (use YYYY-MM-DD)`);
    tail.push(`UNTIL=${value}`);
    text = text.slice(0, until.index).trim();
  }
  if (/(?:^| )at \d/.test(text) || /\d ?(am|pm)\b/.test(text)) throw fail("the time of day comes from --due (for example --due \"tomorrow 9am\"), not from --every");

  text = ALIASES[text] ?? text.replace(/^(hourly|daily|weekly|monthly|yearly|annually|fortnightly|biweekly|quarterly)(?= on )/, (word) => ALIASES[word] ?? word);
  if (!text.startsWith("every ")) throw fail(`cannot read '${raw}'`);
  text = text.slice("every ".length);

  // "every mon,wed", "every other friday", "every 3 tuesdays"
  const byDays = /^(?:(other|\d{1,3}) )?([a-z, ]+)$/.exec(text);
  if (byDays && !/^(hours?|days?|weeks?|months?|years?)( |$)/.test(byDays[2] ?? "")) {
    const [, step, list] = byDays;
    if (step && /^(2nd|second|3rd|third|4th|fourth|1st|first|last)$/.test(step)) throw fail("is ambiguous: say 'every other tuesday' or 'monthly on the 2nd tuesday'");
    const days = dayList(list ?? "");
    if (days) return build("WEEKLY", intervalOf(step), [`BYDAY=${days.join(",")}`], tail);
  }
  if (/^(1st|2nd|3rd|4th|5th|first|second|third|fourth|fifth|last) /.test(text)) throw fail("is ambiguous: say 'every other tuesday' or 'monthly on the 2nd tuesday'");

  const unit = /^(?:(other|\d{1,3}) )?(hour|day|week|month|year)s?(?: on (.+))?$/.exec(text);
  if (!unit) throw fail(`cannot read '${raw}'`);
  const [, step, unitName, on] = unit;
  const freq = UNITS[/** @type {keyof typeof UNITS} */ (unitName)];
  const interval = intervalOf(step);
  if (!on) return build(freq, interval, [], tail);
  return build(freq, interval, onParts(freq, on), tail);
}

/** @param {string | undefined} step */
function intervalOf(step) {
  if (!step) return 1;
  if (step === "other") return 2;
  const n = Number(step);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw fail(`cannot repeat every ${step}`);
  return n;
}

/**
 * "mon,wed", "monday and friday", "weekdays", "tuesdays" → ["MO","WE"], or
 * null when it is not a list of days.
 * @param {string} text
 * @returns {string[] | null}
 */
function dayList(text) {
  const items = text
    .split(/,| and | & /)
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) return null;
  /** @type {Set<string>} */
  const days = new Set();
  for (const item of items) {
    if (item === "weekdays" || item === "weekday") WEEKDAYS.forEach((day) => days.add(day));
    else if (item === "weekends" || item === "weekend") WEEKEND.forEach((day) => days.add(day));
    else {
      const day = DAYS[/** @type {keyof typeof DAYS} */ (item.replace(/s$/, ""))] ?? DAYS[/** @type {keyof typeof DAYS} */ (item)];
      if (!day) return null;
      days.add(day);
    }
  }
  return WEEK_ORDER.filter((day) => days.has(day));
}

/**
 * The "on …" part for each frequency.
 * @param {Freq} freq
 * @param {string} on
 * @returns {string[]}
 */
function onParts(freq, on) {
  const spec = on.replace(/^the /, "");
  if (freq === "WEEKLY" || freq === "DAILY") {
    const days = dayList(on);
    if (!days) throw fail(`cannot read the days '${on}' (for example "mon,wed" or "weekdays")`);
    // "every day on weekdays" is a weekly rule in disguise.
    return [`BYDAY=${days.join(",")}`];
  }
  if (freq === "MONTHLY") {
    // the 2nd tuesday, the last friday, the first weekday
    const nth = /^(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|second last|2nd last|second to last) ([a-z]+)$/.exec(spec);
    if (nth) {
      const n = ORDINALS[nth[1] ?? ""] ?? 1;
      const what = nth[2] ?? "";
      if (what === "day") return [`BYMONTHDAY=${n}`];
      if (what === "weekday") return ["BYDAY=MO,TU,WE,TH,FR", `BYSETPOS=${n}`];
      const day = DAYS[/** @type {keyof typeof DAYS} */ (what)];
      if (!day) throw fail(`cannot read the day '${what}'`);
      return [`BYDAY=${n}${day}`];
    }
    // the 15th, day 15, the 1st and 15th
    const dates = monthDays(spec.replace(/^days? /, ""));
    if (dates) return [`BYMONTHDAY=${dates.join(",")}`];
    throw fail(`cannot read '${on}' (for example "the 2nd tuesday", "the 15th" or "the last day")`);
  }
  if (freq === "YEARLY") {
    // mar 14, march 14th, 14 march
    const md = /^([a-z]+) (\d{1,2})(?:st|nd|rd|th)?$/.exec(spec) ?? /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)$/.exec(spec);
    if (md) {
      const [monthName, day] = /^\d/.test(md[1] ?? "") ? [md[2], md[1]] : [md[1], md[2]];
      const month = MONTHS[monthName ?? ""];
      const n = Number(day);
      if (!month || n < 1 || n > 31) throw fail(`cannot read the date '${on}'`);
      return [`BYMONTH=${month}`, `BYMONTHDAY=${n}`];
    }
    throw fail(`cannot read '${on}' (for example "mar 14")`);
  }
  throw fail(`'${freq.toLowerCase()}' rules take no 'on …'`);
}

/** "15th", "1st and 15th", "1,15", "last" → [15] / [1, 15] / [-1]. @param {string} text */
function monthDays(text) {
  const items = text.split(/,| and /).map((item) => item.trim());
  /** @type {number[]} */
  const out = [];
  for (const item of items) {
    if (item === "last" || item === "last day") {
      out.push(-1);
      continue;
    }
    const m = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(item);
    if (!m) return null;
    const n = Number(m[1]);
    if (n < 1 || n > 31) throw fail(`day ${n} is not a day of the month`);
    out.push(n);
  }
  return out.length > 0 ? out : null;
}

/**
 * @param {Freq} freq
 * @param {number} interval
 * @param {string[]} parts
 * @param {string[]} tail
 */
function build(freq, interval, parts, tail) {
  return [`FREQ=${freq}`, ...(interval > 1 ? [`INTERVAL=${interval}`] : []), ...parts, ...tail].join(";");
}

// --- back to words -----------------------------------------------------------

/** 1 → "1st", 22 → "22nd", 13 → "13th". @param {number} n */
function ordinal(n) {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" })[n % 10] ?? "th";
  return `${n}${suffix}`;
}

const DAY_NAMES = /** @type {Record<string, string>} */ ({ MO: "Mon", TU: "Tue", WE: "Wed", TH: "Thu", FR: "Fri", SA: "Sat", SU: "Sun" });
const NTH = /** @type {Record<string, string>} */ ({ "1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "5": "5th", "-1": "last", "-2": "2nd last" });
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A stored rule in a few words for the tasks table ("every 2 weeks on Mon,
 * Wed"); rules it does not recognise are shown as they are.
 * @param {string | null | undefined} rrule
 */
export function describeRrule(rrule) {
  if (!rrule) return "";
  /** @type {Map<string, string>} */
  const parts = new Map();
  for (const part of rrule.replace(/^RRULE:/i, "").split(";")) {
    const [key, value] = part.split("=");
    if (key && value) parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const units = /** @type {Record<string, string>} */ ({ HOURLY: "hour", DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year" });
  const unit = units[parts.get("FREQ") ?? ""];
  const known = new Set(["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL"]);
  if (!unit || [...parts.keys()].some((key) => !known.has(key))) return rrule;
  const interval = Number(parts.get("INTERVAL") ?? "1");
  let text = interval === 1 ? `every ${unit}` : interval === 2 ? `every other ${unit}` : `every ${interval} ${unit}s`;
  const byday = parts.get("BYDAY");
  const setpos = parts.get("BYSETPOS");
  if (byday && setpos && byday === WEEKDAYS.join(",")) text += ` on the ${NTH[setpos] ?? setpos} weekday`;
  else if (byday) {
    const items = byday.split(",");
    if (unit === "week" && interval === 1 && byday === WEEKDAYS.join(",")) text = "weekdays";
    else if (unit === "week" && interval === 1 && byday === WEEKEND.join(",")) text = "weekends";
    else
      text += ` on ${items
        .map((item) => {
          const m = /^([+-]?\d+)?([A-Z]{2})$/.exec(item);
          if (!m) return item;
          const n = m[1] ? NTH[String(Number(m[1]))] ?? m[1] : "";
          return n ? `the ${n} ${DAY_NAMES[m[2] ?? ""]}` : DAY_NAMES[m[2] ?? ""] ?? item;
        })
        .join(", ")}`;
  }
  const bymonthday = parts.get("BYMONTHDAY");
  const bymonth = parts.get("BYMONTH");
  if (bymonth && bymonthday) text += ` on ${bymonth.split(",").map((m) => MONTH_NAMES[Number(m) - 1] ?? m).join(", ")} ${bymonthday}`;
  else if (bymonthday) text += ` on the ${bymonthday.split(",").map((d) => (d === "-1" ? "last day" : ordinal(Number(d)))).join(", ")}`;
  const count = parts.get("COUNT");
  if (count) text += `, ${count} times`;
  const until = parts.get("UNTIL");
  if (until) text += `, until ${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
  return text;
}
