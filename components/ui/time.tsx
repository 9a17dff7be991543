"use client";

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 days ago", "in 2 hours", "just now". */
export function formatRelative(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return Math.abs(seconds) < 45 ? "just now" : format.format(seconds, "second");
}

/** A relative time with the exact one as its tooltip and machine-readable value. */
export function RelativeTime({ value, timeZone }: { value: string | Date; timeZone?: string }) {
  const date = typeof value === "string" ? new Date(value) : value;
  const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
  return (
    <time dateTime={date.toISOString()} title={exact} suppressHydrationWarning>
      {formatRelative(date)}
    </time>
  );
}
