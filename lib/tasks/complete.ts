import { eq } from "drizzle-orm";
import type { Database, Tx } from "@/lib/db/client";
import { tasks } from "@/lib/db/schema/tasks";
import { recordTaskChanges } from "@/lib/tasks/changes";
import { afterCommit, recordTaskEvents, type TaskEventType } from "@/lib/tasks/events";
import { lockVisibleTask, taskColumns, type TaskRow, toTask } from "@/lib/tasks/load";
import { emptyPlan, type ReminderPlan } from "@/lib/tasks/reminders";
import type { Task } from "@/lib/tasks/schemas";
import { spawnNext, successorOf, type Spawned } from "@/lib/tasks/series";

export type Completion = { task: Task; next: Task | null };

/**
 * Completes a task (the owner or the assignee may). For an occurrence of a
 * recurring task the occurrence stays in the series' history as done, and the
 * next occurrence is created, exactly once: ten devices completing it at the
 * same moment all get the same `next`.
 *
 * Why exactly once holds: the first transaction takes the row lock and flips
 * the status; the others wait on that lock, then find the task done and
 * return its successor. Independently, the next occurrence is inserted with
 * `on conflict (series_id, occurrence_date) do nothing`, so even two
 * transactions that both got past the status check would create one row.
 */
export async function completeTask(db: Database, userId: string, id: string, options: { now?: Date } = {}): Promise<Completion> {
  const now = options.now ?? new Date();
  const plan = emptyPlan();
  const { result, notices } = await db.transaction(async (tx) => {
    const row = await lockVisibleTask(tx, userId, id);
    if (row.status === "done") {
      const next = await successorOf(tx, row);
      return { result: { task: await toTask(tx, row), next: next ? await toTask(tx, next) : null }, notices: [] };
    }
    const [done] = await tx.update(tasks).set({ status: "done", completedAt: now, version: row.version + 1, updatedAt: now }).where(eq(tasks.id, id)).returning(taskColumns);
    const { spawned, events } = await afterStatusChange(tx, row, done!, { now, plan });
    const notices = await recordTaskChanges(tx, [{ row: done! }, ...(spawned?.created ? [{ row: spawned.next }] : [])]);
    const task = await toTask(tx, done!);
    const next = spawned ? await toTask(tx, spawned.next) : null;
    await recordTaskEvents(tx, [
      { type: "task.updated", task, extra: { changes: ["status"] } },
      ...events.map((event) => ({ ...event, task })),
      ...(spawned?.created && next ? [{ type: "task.created" as const, task: next, extra: { reason: "recurrence", previousId: task.id } }] : []),
    ]);
    return { result: { task, next }, notices };
  });
  await afterCommit(db, { notices, plan });
  return result;
}

/**
 * What a status change implies, whoever made it (complete, PATCH): the
 * outbox events, cancelling or re-arming reminder jobs, and for a completed
 * occurrence, its successor.
 */
export async function afterStatusChange(
  tx: Tx,
  before: TaskRow,
  after: TaskRow,
  options: { now: Date; plan: ReminderPlan },
): Promise<{ spawned: Spawned | null; events: { type: TaskEventType; extra?: Record<string, unknown> }[] }> {
  if (before.status === after.status) return { spawned: null, events: [] };
  const events: { type: TaskEventType; extra?: Record<string, unknown> }[] = [{ type: "task.status_changed", extra: { from: before.status, to: after.status } }];
  // Done cancels the reminder jobs; reopening re-arms the unsent ones.
  if (before.status === "done" || after.status === "done") options.plan.taskIds.add(after.id);
  if (after.status !== "done") return { spawned: null, events };
  events.push({ type: "task.completed" });
  return { spawned: await spawnNext(tx, after, options), events };
}
