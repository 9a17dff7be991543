import { and, asc, eq, or } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema/tasks";
import { AppError } from "@/lib/http/errors";
import { taskColumns, toTask, toTasks, visibleTo } from "@/lib/tasks/load";
import type { Task } from "@/lib/tasks/schemas";

/** One task the user can see (owner or assignee); anything else is a 404. */
export async function getTask(db: Database, userId: string, id: string): Promise<Task> {
  const [row] = await db
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.id, id), visibleTo(userId)));
  if (!row) throw new AppError("not_found", "Task not found");
  return toTask(db, row);
}

export type OccurrenceState = "open" | "done" | "skipped" | "deleted";
export type SeriesHistory = {
  seriesId: string | null;
  occurrences: (Task & { state: OccurrenceState })[];
  /** Skipped dates of the series (EXDATE), including ones never created. */
  skippedDates: string[];
};

/**
 * A task's series, oldest occurrence first: done ones stay in the history,
 * skipped and deleted ones are listed as such. The caller sees the
 * occurrences they could see: all of them for the owner, those assigned to
 * them for an assignee.
 */
export async function seriesHistory(db: Database, userId: string, id: string): Promise<SeriesHistory> {
  const task = await getTask(db, userId, id);
  if (!task.seriesId) return { seriesId: null, occurrences: [{ ...task, state: task.status === "done" ? "done" : "open" }], skippedDates: [] };
  const rows = await db
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.seriesId, task.seriesId), or(eq(tasks.userId, userId), eq(tasks.assigneeId, userId))))
    .orderBy(asc(tasks.occurrenceDate), asc(tasks.id))
    .limit(1000);
  const list = await toTasks(db, rows);
  const skipped = new Set<string>();
  for (const row of rows) for (const date of row.exdates) skipped.add(date.toISOString());
  return {
    seriesId: task.seriesId,
    occurrences: list.map((occurrence) => ({
      ...occurrence,
      state: occurrence.skippedAt ? "skipped" : occurrence.deletedAt ? "deleted" : occurrence.status === "done" ? "done" : "open",
    })),
    skippedDates: [...skipped].sort(),
  };
}
