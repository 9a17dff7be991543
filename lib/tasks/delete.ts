import { eq } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema/tasks";
import { AppError } from "@/lib/http/errors";
import { recordTaskChanges } from "@/lib/tasks/changes";
import { afterCommit, recordTaskEvents } from "@/lib/tasks/events";
import { lockVisibleTask, taskColumns, toTask } from "@/lib/tasks/load";
import { emptyPlan } from "@/lib/tasks/reminders";

/**
 * Soft-deletes a task: the row stays as a tombstone, so every device's sync
 * (owner's and assignee's) learns of the deletion. Only the owner deletes;
 * the assignee, who can see the task, gets 403; anyone else 404. Deleting an
 * occurrence of a recurring task ends its series there (skip moves past one
 * occurrence instead). Reminder jobs are cancelled.
 */
export async function deleteTask(db: Database, userId: string, id: string, options: { now?: Date } = {}): Promise<void> {
  const now = options.now ?? new Date();
  const plan = emptyPlan();
  const notices = await db.transaction(async (tx) => {
    const row = await lockVisibleTask(tx, userId, id);
    if (row.userId !== userId) throw new AppError("forbidden", "Only the task's owner can delete it");
    const [deleted] = await tx.update(tasks).set({ deletedAt: now, version: row.version + 1, updatedAt: now }).where(eq(tasks.id, id)).returning(taskColumns);
    plan.taskIds.add(id);
    const notices = await recordTaskChanges(tx, [{ row: deleted! }]);
    await recordTaskEvents(tx, [{ type: "task.deleted", task: await toTask(tx, deleted!) }]);
    return notices;
  });
  await afterCommit(db, { notices, plan });
}
