import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database, Tx } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema/tasks";
import { AppError } from "@/lib/http/errors";
import { recordTaskChanges } from "@/lib/tasks/changes";
import { afterCommit, recordTaskEvents } from "@/lib/tasks/events";
import { invalidField } from "@/lib/tasks/fields";
import { findSkippedOccurrence, lockVisibleTask, taskColumns, toTask } from "@/lib/tasks/load";
import { occurrences } from "@/lib/tasks/recurrence";
import { emptyPlan } from "@/lib/tasks/reminders";
import type { Task } from "@/lib/tasks/schemas";
import { seriesOf, spawnNext, successorOf } from "@/lib/tasks/series";

export type Skip = { task: Task; next: Task | null };

/**
 * Skips an occurrence of a recurring task (EXDATE).
 *
 * Without a date, the open occurrence itself is skipped: it leaves the lists
 * (a tombstone for sync, marked skippedAt in the series history) and the next
 * occurrence is created as on completion, exactly once. With a later date of
 * the schedule, that date is added to the series' exdates, and the occurrence
 * will never be created.
 *
 * Skipping an occurrence that is already skipped (a retry, or two clients at
 * once: the second waits on the row lock) changes nothing and answers as the
 * first skip did, with the occurrence that now follows it.
 */
export async function skipOccurrence(db: Database, userId: string, id: string, input: { occurrenceDate?: string }, options: { now?: Date } = {}): Promise<Skip> {
  const now = options.now ?? new Date();
  const plan = emptyPlan();
  const { result, notices } = await db.transaction(async (tx) => {
    const row = await lockVisibleTask(tx, userId, id).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "not_found") return null;
      throw error;
    });
    if (!row) return { result: await repeatedSkip(tx, userId, id, input), notices: [] };
    const series = seriesOf(row);
    if (!series || !row.occurrenceDate) throw new AppError("validation_failed", "Only an occurrence of a recurring task can be skipped");
    if (row.status === "done") throw new AppError("conflict", "This occurrence is already done");

    const date = input.occurrenceDate ? new Date(input.occurrenceDate) : row.occurrenceDate;
    if (date.getTime() === row.occurrenceDate.getTime()) {
      const [skipped] = await tx
        .update(tasks)
        .set({ exdates: [...row.exdates, row.occurrenceDate], skippedAt: now, deletedAt: now, version: row.version + 1, updatedAt: now })
        .where(eq(tasks.id, id))
        .returning(taskColumns);
      plan.taskIds.add(id);
      const spawned = await spawnNext(tx, skipped!, { now, plan });
      const notices = await recordTaskChanges(tx, [{ row: skipped! }, ...(spawned?.created ? [{ row: spawned.next }] : [])]);
      const task = await toTask(tx, skipped!);
      const next = spawned ? await toTask(tx, spawned.next) : null;
      await recordTaskEvents(tx, [
        { type: "task.updated", task, extra: { changes: ["skipped"], occurrenceDate: row.occurrenceDate.toISOString() } },
        ...(spawned?.created && next ? [{ type: "task.created" as const, task: next, extra: { reason: "recurrence", previousId: id } }] : []),
      ]);
      return { result: { task, next }, notices };
    }

    if (row.recurFrom === "completion") throw invalidField("occurrenceDate", "cannot name a later date: a series repeating from completion has no fixed schedule");
    if (date <= row.occurrenceDate) throw invalidField("occurrenceDate", "must be this occurrence's date or a later one");
    const upcoming = occurrences(series, 1000, row.occurrenceDate).filter((d) => d <= date);
    if (upcoming.at(-1)?.getTime() !== date.getTime()) throw invalidField("occurrenceDate", "is not a date of this series' schedule");
    if (row.exdates.some((d) => d.getTime() === date.getTime())) return { result: { task: await toTask(tx, row), next: null }, notices: [] };

    const [updated] = await tx
      .update(tasks)
      .set({ exdates: [...row.exdates, date], version: row.version + 1, updatedAt: now })
      .where(eq(tasks.id, id))
      .returning(taskColumns);
    // A later occurrence already created for that date (a reopened series) goes too.
    const dropped = await tx
      .update(tasks)
      .set({ skippedAt: now, deletedAt: now, updatedAt: now })
      .where(and(eq(tasks.seriesId, row.seriesId!), eq(tasks.occurrenceDate, date), gt(tasks.occurrenceDate, row.occurrenceDate), isNull(tasks.deletedAt)))
      .returning(taskColumns);
    const notices = await recordTaskChanges(tx, [{ row: updated! }, ...dropped.map((r) => ({ row: r }))]);
    const task = await toTask(tx, updated!);
    await recordTaskEvents(tx, [{ type: "task.updated", task, extra: { changes: ["exdates"], occurrenceDate: date.toISOString() } }]);
    return { result: { task, next: null }, notices };
  });
  await afterCommit(db, { notices, plan });
  return result;
}

async function repeatedSkip(tx: Tx, userId: string, id: string, input: { occurrenceDate?: string }): Promise<Skip> {
  const skipped = await findSkippedOccurrence(tx, userId, id);
  const sameDate = !input.occurrenceDate || new Date(input.occurrenceDate).getTime() === skipped?.occurrenceDate?.getTime();
  if (!skipped || !sameDate) throw new AppError("not_found", "Task not found");
  const next = await successorOf(tx, skipped);
  return { task: await toTask(tx, skipped), next: next ? await toTask(tx, next) : null };
}
