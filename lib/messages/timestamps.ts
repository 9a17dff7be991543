/**
 * Timestamps arrive as ISO 8601 with any offset ("Z", "+07:00", "+0700",
 * "+07") or as epoch milliseconds, and are stored as UTC instants. A time
 * without an offset is refused: guessing the phone's zone would silently
 * shift messages by hours.
 */
const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

// Anything outside this range is a unit mix-up (seconds sent as milliseconds
// land in January 1970) or garbage.
const MIN = Date.UTC(2000, 0, 1);
const MAX = Date.UTC(2100, 0, 1);

export function parseIsoWithOffset(value: string): Date | null {
  const match = ISO.exec(value.trim());
  if (!match) return null;
  const [, date, time, zone] = match as unknown as [string, string, string, string];
  if (!realDate(date)) return null;
  let offset = zone.toUpperCase();
  if (offset !== "Z") {
    const digits = offset.slice(1).replace(":", "");
    offset = `${offset[0]}${digits.slice(0, 2)}:${digits.length > 2 ? digits.slice(2) : "00"}`;
  }
  // Date.parse understands milliseconds only; keep three fraction digits.
  const normalisedTime = time.replace(",", ".").replace(/(\.\d{3})\d+$/, "$1");
  const ms = Date.parse(`${date}T${normalisedTime}${offset}`);
  return inRange(ms);
}

export function fromEpochMs(value: number): Date | null {
  if (!Number.isFinite(value)) return null;
  return inRange(Math.trunc(value));
}

/** Date.parse rolls 2024-02-30 over to March; a calendar date that does not exist is refused. */
function realDate(date: string): boolean {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

function inRange(ms: number): Date | null {
  if (!Number.isFinite(ms) || ms < MIN || ms >= MAX) return null;
  return new Date(ms);
}

/** ISO with an offset, epoch ms as a number, or epoch ms as a string of digits. */
export function parseTimestamp(value: string | number): Date | null {
  if (typeof value === "number") return fromEpochMs(value);
  const trimmed = value.trim();
  if (/^\d{10,16}$/.test(trimmed)) return fromEpochMs(Number(trimmed));
  return parseIsoWithOffset(trimmed);
}
