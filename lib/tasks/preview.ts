import { resolveDue } from "@/lib/tasks/fields";
import { occurrences, parseRule } from "@/lib/tasks/recurrence";

/**
 * The next `count` dates of a rule from dtstart, for the recurrence editor
 * (GET /api/v1/tasks/recurrence/preview). A bare date is an all-day start.
 */
export function previewRecurrence(input: { rrule: string; dtstart: string; timezone: string; count: number; exdates?: string[] }): { dates: string[] } {
  const parsed = parseRule(input.rrule);
  if (!parsed.ok) throw new Error(`unchecked rrule: ${parsed.message}`);
  const { dueAt } = resolveDue(input.dtstart, undefined, input.timezone);
  const dates = occurrences({ rule: parsed.rule, timezone: input.timezone, start: dueAt!, exdates: (input.exdates ?? []).map((date) => new Date(date)) }, input.count);
  return { dates: dates.map((date) => date.toISOString()) };
}
