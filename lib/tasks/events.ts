import type { Database, Tx } from "@/lib/db/client";
import { recordEvents, type OutboxEvent } from "@/lib/jobs/outbox";
import { publishTaskChanges, type Notice } from "@/lib/tasks/changes";
import { scheduleReminderJobs, type ReminderPlan } from "@/lib/tasks/reminders";
import type { Task } from "@/lib/tasks/schemas";

/**
 * Domain events of the tasks feature, written to the transactional outbox in
 * the transaction that made the change (notifications and webhooks consume
 * them). `data.task` is the task as the API shows it after the change.
 */
export type TaskEventType = "task.created" | "task.updated" | "task.completed" | "task.assigned" | "task.status_changed" | "task.deleted";

export async function recordTaskEvents(tx: Tx, events: { type: TaskEventType; task: Task; extra?: Record<string, unknown> }[]): Promise<void> {
  const rows: OutboxEvent[] = events.map(({ type, task, extra }) => ({
    type,
    // task.assigned is for the new assignee; the rest for the owner (data.task names the assignee).
    userId: type === "task.assigned" ? task.assigneeId : task.ownerId,
    data: { taskId: task.id, ...extra, task },
  }));
  await recordEvents(tx, rows);
}

/** What a committed change still has to do: tell open devices, and arm or cancel reminder jobs. */
export type Effects = { notices: Notice[]; plan: ReminderPlan };

export async function afterCommit(db: Database, effects: Effects): Promise<void> {
  publishTaskChanges(effects.notices);
  await scheduleReminderJobs(db, effects.plan);
}
