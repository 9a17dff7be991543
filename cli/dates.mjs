import { createRequire } from "node:module";
import { UsageError } from "./errors.mjs";

/**
 * Times typed on the command line: ISO 8601, epoch milliseconds, or plain
 * English through chrono-node ("tomorrow 9am", "2 hours ago", "next
 * friday"), read in the machine's local time zone (TZ). What reaches the API
 * is always ISO 8601 with an explicit offset.
 *
 * chrono-node takes a few hundred milliseconds to load, longer than the rest
 * of the CLI together, so it is loaded (English only) the first time words
 * need reading; ISO dates never load it.
 */

const require = createRequire(import.meta.url);
/** @type {Pick<typeof import("chrono-node"), "parse"> | undefined} */
let chrono;
function english() {
  return (chrono ??= /** @type {Pick<typeof import("chrono-node"), "parse">} */ (require("chrono-node/en")));
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// Words chrono leaves around a time that change nothing ("due at 9am", "on friday").
const FILLER = /^(at|on|by|due|in the|the|,|\s)*$/i;

/** @param {number} n */
const two = (n) => String(n).padStart(2, "0");

/** The local time zone's IANA name (honours TZ). */
export function localTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** 2024-06-22T09:00:00+02:00: the instant, written in local time with its offset. @param {Date} date */
export function isoWithOffset(date) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** YYYY-MM-DD of a local date. @param {Date} date */
export function localDate(date) {
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/**
 * One chrono result covering the whole text, or null.
 * @param {string} text
 * @param {Date} now
 * @param {boolean} forward prefer the future for "friday"
 */
function parseWhole(text, now, forward) {
  const results = english().parse(text, now, { forwardDate: forward });
  const first = results[0];
  if (!first || results.length > 1) return null;
  const rest = text.slice(0, first.index) + text.slice(first.index + first.text.length);
  return FILLER.test(rest) ? first : null;
}

/**
 * A point in time for --since, --until, --expires: ISO 8601, YYYY-MM-DD
 * (local midnight), epoch ms, or words.
 * @param {string} text
 * @param {string} flag for the error message
 * @param {{ now?: Date, future?: boolean }} [options]
 * @returns {Date}
 */
export function parseInstant(text, flag, options = {}) {
  const value = text.trim();
  const now = options.now ?? new Date();
  if (/^\d{12,14}$/.test(value)) return new Date(Number(value));
  if (ISO_WITH_OFFSET.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  if (DATE_ONLY.test(value)) {
    const [y, m, d] = value.split("-").map(Number);
    const date = new Date(y ?? 0, (m ?? 1) - 1, d ?? 1);
    if (date.getMonth() === (m ?? 1) - 1) return date;
  }
  const parsed = parseWhole(value, now, Boolean(options.future));
  if (!parsed) throw new UsageError(`${flag}: cannot read the time '${text}'.`, { hint: 'Use ISO 8601 (2024-06-22T09:00:00+02:00), a date (2024-06-22), or words ("yesterday", "2 hours ago", "next friday 9am").' });
  return parsed.start.date();
}

/**
 * A task's due date for --due: a time ("tomorrow 9am") is an instant with
 * the local offset; a day without a time ("friday", "2024-06-22") is an
 * all-day task, sent as a bare date, as the API expects.
 * @param {string} text
 * @param {{ now?: Date }} [options]
 * @returns {{ dueAt: string, allDay: boolean }}
 */
export function parseDue(text, options = {}) {
  const value = text.trim();
  const now = options.now ?? new Date();
  if (DATE_ONLY.test(value)) {
    parseInstant(value, "--due");
    return { dueAt: value, allDay: true };
  }
  if (ISO_WITH_OFFSET.test(value) || /^\d{12,14}$/.test(value)) return { dueAt: isoWithOffset(parseInstant(value, "--due")), allDay: false };
  const parsed = parseWhole(value, now, true);
  if (!parsed) throw new UsageError(`--due: cannot read '${text}'.`, { hint: 'For example --due "tomorrow 9am", --due "friday" (all day) or --due 2024-06-22T17:00:00+02:00.' });
  const date = parsed.start.date();
  if (!parsed.start.isCertain("hour")) return { dueAt: localDate(date), allDay: true };
  return { dueAt: isoWithOffset(date), allDay: false };
}

/** For --every "… until <words>": YYYYMMDD. @param {string} text */
export function untilDate(text) {
  return localDate(parseInstant(text, "--every … until", { future: true })).replaceAll("-", "");
}
