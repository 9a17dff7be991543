/**
 * The recurrence editor's presets and the RRULE each one writes. A rule the
 * presets cannot describe is shown and edited as "custom" text; the server
 * validates it (docs/tasks.md, Recurrence).
 */
export const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEKDAY_LABELS: Record<Weekday, string> = { MO: "Mon", TU: "Tue", WE: "Wed", TH: "Thu", FR: "Fri", SA: "Sat", SU: "Sun" };

export type RecurrencePreset =
  | { kind: "none" }
  | { kind: "daily"; interval: number }
  | { kind: "weekdays" }
  | { kind: "weekly"; interval: number; days: Weekday[] }
  | { kind: "monthly"; nth: number; day: Weekday }
  | { kind: "custom"; rule: string };

export function toRule(preset: RecurrencePreset): string | null {
  switch (preset.kind) {
    case "none":
      return null;
    case "daily":
      return preset.interval > 1 ? `FREQ=DAILY;INTERVAL=${preset.interval}` : "FREQ=DAILY";
    case "weekdays":
      return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";
    case "weekly": {
      const days = WEEKDAYS.filter((day) => preset.days.includes(day));
      return `FREQ=WEEKLY${preset.interval > 1 ? `;INTERVAL=${preset.interval}` : ""}${days.length ? `;BYDAY=${days.join(",")}` : ""}`;
    }
    case "monthly":
      return `FREQ=MONTHLY;BYDAY=${preset.nth}${preset.day}`;
    case "custom":
      return preset.rule.trim().replace(/^RRULE:/i, "") || null;
  }
}

export function fromRule(rule: string | null): RecurrencePreset {
  if (!rule) return { kind: "none" };
  const fields = new Map(rule.replace(/^RRULE:/i, "").split(";").map((part) => part.split("=") as [string, string]));
  const keys = [...fields.keys()].filter((key) => key !== "INTERVAL" && key !== "BYDAY" && key !== "FREQ");
  const interval = Number(fields.get("INTERVAL") ?? "1");
  const byday = fields.get("BYDAY")?.split(",") ?? [];
  if (keys.length === 0) {
    const freq = fields.get("FREQ");
    if (freq === "DAILY" && byday.length === 0) return { kind: "daily", interval };
    if (freq === "WEEKLY" && interval === 1 && byday.join(",") === "MO,TU,WE,TH,FR") return { kind: "weekdays" };
    if (freq === "WEEKLY" && byday.every((day) => (WEEKDAYS as readonly string[]).includes(day))) return { kind: "weekly", interval, days: byday as Weekday[] };
    const nth = byday.length === 1 ? /^(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)$/.exec(byday[0]!) : null;
    if (freq === "MONTHLY" && interval === 1 && nth) return { kind: "monthly", nth: Number(nth[1]), day: nth[2] as Weekday };
  }
  return { kind: "custom", rule };
}

/** The weekday and its rank in the month of a wall-clock date ("2031-03-10" → 2nd Monday); the 5th is "last". */
export function nthWeekdayOf(localDate: string): { nth: number; day: Weekday } {
  const [y, m, d] = localDate.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  const day = WEEKDAYS[(date.getUTCDay() + 6) % 7]!;
  const rank = Math.ceil(d! / 7);
  return { nth: rank >= 5 ? -1 : rank, day };
}

export function ordinal(n: number): string {
  return n === -1 ? "last" : (["first", "second", "third", "fourth"][n - 1] ?? `${n}th`);
}
