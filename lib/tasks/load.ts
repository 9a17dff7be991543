import { and, asc, eq, getTableColumns, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { taskReminders, taskTagLinks, taskTags, tasks } from "@/lib/db/schema/tasks";
import { AppError } from "@/lib/http/errors";
import type { Reminder, Task } from "@/lib/tasks/schemas";

/** Every column but the search vector, which only the database reads. */
const { search: _search, ...taskColumns } = getTableColumns(tasks);
export { taskColumns };
export type TaskRow = Omit<typeof tasks.$inferSelect, "search">;
export type ReminderRow = typeof taskReminders.$inferSelect;

/** Tasks that are the user's, or assigned to them: the tenancy rule, in the query. */
function ownedOrAssigned(userId: string): SQL {
  return or(eq(tasks.userId, userId), eq(tasks.assigneeId, userId))!;
}

/** Tasks a user may see: theirs, and those assigned to them, not deleted. */
export function visibleTo(userId: string): SQL {
  return and(ownedOrAssigned(userId), isNull(tasks.deletedAt))!;
}

/**
 * Locks a task the user may see, for the rest of the transaction. Anything
 * else (another user's task, a deleted one, no such id) is a 404.
 */
export async function lockVisibleTask(tx: Queryable, userId: string, id: string): Promise<TaskRow> {
  const [row] = await tx
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.id, id), visibleTo(userId)))
    .for("update");
  if (!row) throw new AppError("not_found", "Task not found");
  return row;
}

/**
 * An occurrence the user may see that was skipped (skipping deletes it from
 * the lists), so that a repeated skip can answer as the first one did.
 */
export async function findSkippedOccurrence(tx: Queryable, userId: string, id: string): Promise<TaskRow | null> {
  const [row] = await tx
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.id, id), ownedOrAssigned(userId), isNotNull(tasks.skippedAt), isNotNull(tasks.deletedAt)));
  return row ?? null;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toReminder(row: ReminderRow): Reminder {
  const state = { fireAt: iso(row.fireAt), sentAt: iso(row.sentAt), late: row.late };
  if (row.at) return { id: row.id, at: row.at.toISOString(), ...state };
  return { id: row.id, offsetMinutes: row.offsetMinutes ?? 0, relativeTo: "due", ...state };
}

/** Task rows as the API shows them, with their tags and reminders, in the order given. */
export async function toTasks(db: Queryable, rows: TaskRow[]): Promise<Task[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [tagRows, reminderRows] = await Promise.all([
    db
      .select({ taskId: taskTagLinks.taskId, name: taskTags.name })
      .from(taskTagLinks)
      .innerJoin(taskTags, eq(taskTags.id, taskTagLinks.tagId))
      .where(inArray(taskTagLinks.taskId, ids))
      .orderBy(sql`lower(${taskTags.name})`),
    // Chronological: the order a person reads reminders in.
    db.select().from(taskReminders).where(inArray(taskReminders.taskId, ids)).orderBy(sql`${taskReminders.fireAt} asc nulls last`, asc(taskReminders.id)),
  ]);
  const tagsOf = new Map<string, string[]>();
  for (const tag of tagRows) tagsOf.set(tag.taskId, [...(tagsOf.get(tag.taskId) ?? []), tag.name]);
  const remindersOf = new Map<string, Reminder[]>();
  for (const reminder of reminderRows) remindersOf.set(reminder.taskId, [...(remindersOf.get(reminder.taskId) ?? []), toReminder(reminder)]);
  return rows.map((row) => ({
    id: row.id,
    ownerId: row.userId,
    assigneeId: row.assigneeId,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    tags: tagsOf.get(row.id) ?? [],
    dueAt: iso(row.dueAt),
    allDay: row.allDay,
    timezone: row.timezone,
    rrule: row.rrule,
    exdates: row.exdates.map((date) => date.toISOString()),
    recurFrom: row.recurFrom,
    seriesId: row.seriesId,
    occurrenceDate: iso(row.occurrenceDate),
    occurrenceIndex: row.occurrenceIndex,
    reminders: remindersOf.get(row.id) ?? [],
    sortOrder: row.sortOrder,
    version: row.version,
    completedAt: iso(row.completedAt),
    skippedAt: iso(row.skippedAt),
    deletedAt: iso(row.deletedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }));
}

export async function toTask(db: Queryable, row: TaskRow): Promise<Task> {
  return (await toTasks(db, [row]))[0]!;
}
