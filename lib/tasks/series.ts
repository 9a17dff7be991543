import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { taskReminders, tasks } from "@/lib/db/schema/tasks";
import type { TaskRow } from "@/lib/tasks/load";
import { nextAfterCompletion, nextScheduled, storedRule, type Series } from "@/lib/tasks/recurrence";
import { copyRelativeReminders, type ReminderPlan } from "@/lib/tasks/reminders";
import { setTaskTags, tagNamesOf } from "@/lib/tasks/tags";
import { taskColumns } from "@/lib/tasks/load";

/**
 * The series model. A recurring task is a chain of occurrence rows sharing a
 * series id; only the latest is normally open. Each row carries the rule
 * (rrule, timezone, seriesStart = DTSTART, exdates, recurFrom) and its own
 * occurrenceDate, the date the schedule gave it. Completing or skipping the
 * latest occurrence inserts the next one; the unique index on
 * (series_id, occurrence_date) makes that insert happen once however many
 * transactions try.
 */
export function seriesOf(row: TaskRow): Series | null {
  if (!row.rrule || !row.seriesId || !row.seriesStart) return null;
  return { rule: storedRule(row.rrule), timezone: row.timezone, start: row.seriesStart, exdates: row.exdates };
}

/** The next live occurrence after this one in its series, if one exists already. */
export async function successorOf(tx: Tx, row: TaskRow): Promise<TaskRow | null> {
  if (!row.seriesId || !row.occurrenceDate) return null;
  const [next] = await tx
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.seriesId, row.seriesId), gt(tasks.occurrenceDate, row.occurrenceDate), isNull(tasks.deletedAt)))
    .orderBy(asc(tasks.occurrenceDate))
    .limit(1);
  return next ?? null;
}

export type Spawned = { next: TaskRow; created: boolean };

/**
 * Creates the occurrence after `row` (just completed or skipped), or finds it
 * if another transaction got there first. Returns null when the series has
 * ended (COUNT, UNTIL, no rule) or its next date was deleted.
 *
 * The next occurrence takes this one's fields, except those edited on this
 * occurrence only, which come from seriesDefaults.
 */
export async function spawnNext(tx: Tx, row: TaskRow, options: { now: Date; plan: ReminderPlan }): Promise<Spawned | null> {
  const series = seriesOf(row);
  if (!series || !row.occurrenceDate) return null;

  // A reopened older occurrence completed again does not fork the series.
  const existing = await successorOf(tx, row);
  if (existing) return { next: existing, created: false };

  const date = row.recurFrom === "completion" ? nextAfterCompletion(series, options.now, row.occurrenceIndex) : nextScheduled(series, row.occurrenceDate);
  if (!date) return null;

  const defaults = (row.seriesDefaults ?? {}) as Partial<{ title: string; description: string; priority: TaskRow["priority"]; assigneeId: string | null; tags: string[]; reminders: { at: string | null; offsetMinutes: number | null }[] }>;
  const [inserted] = await tx
    .insert(tasks)
    .values({
      id: newId("task", options.now.getTime()),
      userId: row.userId,
      assigneeId: "assigneeId" in defaults ? (defaults.assigneeId ?? null) : row.assigneeId,
      title: defaults.title ?? row.title,
      description: defaults.description ?? row.description,
      status: "todo",
      priority: defaults.priority ?? row.priority,
      dueAt: date,
      allDay: row.allDay,
      timezone: row.timezone,
      rrule: row.rrule,
      // Only skipped dates still ahead matter to the rest of the series.
      exdates: row.exdates.filter((exdate) => exdate > date),
      recurFrom: row.recurFrom,
      seriesId: row.seriesId,
      seriesStart: row.seriesStart,
      occurrenceDate: date,
      occurrenceIndex: row.occurrenceIndex + 1,
      sortOrder: row.sortOrder,
      createdAt: options.now,
      updatedAt: options.now,
    })
    .onConflictDoNothing({ target: [tasks.seriesId, tasks.occurrenceDate] })
    .returning(taskColumns);

  if (!inserted) {
    const [winner] = await tx
      .select(taskColumns)
      .from(tasks)
      .where(and(eq(tasks.seriesId, row.seriesId!), eq(tasks.occurrenceDate, date)));
    return winner && !winner.deletedAt ? { next: winner, created: false } : null;
  }

  await setTaskTags(tx, row.userId, inserted.id, defaults.tags ?? (await tagNamesOf(tx, row.id)));
  const reminders = defaults.reminders
    ? defaults.reminders.map((reminder) => ({ at: reminder.at ? new Date(reminder.at) : null, offsetMinutes: reminder.offsetMinutes }))
    : await tx.select({ at: taskReminders.at, offsetMinutes: taskReminders.offsetMinutes }).from(taskReminders).where(eq(taskReminders.taskId, row.id));
  await copyRelativeReminders(tx, reminders, inserted, options.plan, options.now);
  return { next: inserted, created: true };
}
