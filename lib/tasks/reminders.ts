import type PgBoss from "pg-boss";
import { and, asc, eq, inArray, isNotNull, isNull, lte, ne, sql } from "drizzle-orm";
import type { Database, Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { taskReminders, tasks } from "@/lib/db/schema/tasks";
import { getBoss, startWorker, type JobRegistrar } from "@/lib/jobs/boss";
import { recordEvent } from "@/lib/jobs/outbox";
import { getLogger } from "@/lib/log/logger";
import { publish } from "@/lib/realtime/publish";
import { getDb } from "@/lib/db/client";
import type { ReminderRow, TaskRow } from "@/lib/tasks/load";
import type { ReminderInput } from "@/lib/tasks/schemas";

/**
 * Task reminders.
 *
 * The reminder row is the truth: `fire_at` says when it is due, `sent_at`
 * that it went out. A pg-boss job per reminder is only the alarm clock that
 * wakes a worker at `fire_at`; a sweep (at boot and every minute) catches any
 * reminder whose job was lost or that fell due while the server was down.
 * Whoever delivers first claims the row with `update … where sent_at is null`,
 * under a share lock on the task, so a reminder goes out once and never for a
 * task that is done or deleted.
 */
export type Clock = { now: () => Date };
export const systemClock: Clock = { now: () => new Date() };

export const REMINDER_QUEUE = "task-reminder";
export const SWEEP_QUEUE = "task-reminder-sweep";
/** A reminder delivered this long after its time is marked late. */
export const LATE_AFTER_MS = 2 * 60_000;
/** A job may wake a little before fire_at (clock skew between app and database). */
const EARLY_TOLERANCE_MS = 5_000;

export type ReminderPlan = {
  /** Tasks whose reminder jobs need (re)scheduling or cancelling after the commit. */
  taskIds: Set<string>;
  /** Jobs of reminders that no longer exist. */
  cancelJobIds: string[];
};

export function emptyPlan(): ReminderPlan {
  return { taskIds: new Set(), cancelJobIds: [] };
}

function fireTime(reminder: { at: Date | null; offsetMinutes: number | null }, dueAt: Date | null): Date | null {
  if (reminder.at) return reminder.at;
  if (dueAt && reminder.offsetMinutes !== null) return new Date(dueAt.getTime() - reminder.offsetMinutes * 60_000);
  return null;
}

/**
 * Brings a task's reminders in line with the task, inside its transaction.
 * With `inputs`, the set is replaced: a reminder the client sends back
 * unchanged keeps its identity and its sent state. Every reminder's fire_at is
 * then recomputed from the (possibly new) due date; one that moves is armed
 * again (sent_at cleared), so moving a task's due date re-arms "15 minutes
 * before" but an unrelated edit never re-sends it.
 */
export async function reconcileReminders(tx: Tx, task: TaskRow, inputs: ReminderInput[] | undefined, plan: ReminderPlan, now: Date): Promise<void> {
  let existing = await tx.select().from(taskReminders).where(eq(taskReminders.taskId, task.id));
  if (inputs !== undefined) {
    const unmatched = [...existing];
    const keep: ReminderRow[] = [];
    const insert: (typeof taskReminders.$inferInsert)[] = [];
    for (const input of inputs) {
      const index = unmatched.findIndex((row) => ("at" in input ? row.at?.getTime() === new Date(input.at).getTime() : row.at === null && row.offsetMinutes === input.offsetMinutes));
      if (index >= 0) {
        keep.push(unmatched.splice(index, 1)[0]!);
        continue;
      }
      const at = "at" in input ? new Date(input.at) : null;
      const offsetMinutes = "at" in input ? null : input.offsetMinutes;
      insert.push({ id: newId("rem", now.getTime()), taskId: task.id, at, offsetMinutes, fireAt: fireTime({ at, offsetMinutes }, task.dueAt), createdAt: now, updatedAt: now });
    }
    if (unmatched.length > 0) {
      await tx.delete(taskReminders).where(inArray(taskReminders.id, unmatched.map((row) => row.id)));
      plan.cancelJobIds.push(...unmatched.flatMap((row) => (row.jobId ? [row.jobId] : [])));
      plan.taskIds.add(task.id);
    }
    if (insert.length > 0) {
      await tx.insert(taskReminders).values(insert);
      plan.taskIds.add(task.id);
    }
    existing = keep;
  }
  for (const row of existing) {
    const fireAt = fireTime(row, task.dueAt);
    if ((fireAt?.getTime() ?? null) === (row.fireAt?.getTime() ?? null)) continue;
    await tx.update(taskReminders).set({ fireAt, sentAt: null, late: false, updatedAt: now }).where(eq(taskReminders.id, row.id));
    plan.taskIds.add(task.id);
  }
}

/** Copies due-relative reminders to a recurring task's next occurrence (an absolute time belongs to its own occurrence). */
export async function copyRelativeReminders(tx: Tx, from: { offsetMinutes: number | null; at: Date | null }[], to: TaskRow, plan: ReminderPlan, now: Date): Promise<void> {
  const relative = from.filter((reminder) => reminder.at === null && reminder.offsetMinutes !== null);
  if (relative.length === 0) return;
  await tx.insert(taskReminders).values(
    relative.map((reminder) => ({
      id: newId("rem", now.getTime()),
      taskId: to.id,
      offsetMinutes: reminder.offsetMinutes,
      fireAt: fireTime(reminder, to.dueAt),
      createdAt: now,
      updatedAt: now,
    })),
  );
  plan.taskIds.add(to.id);
}

/**
 * After the commit: arms a job at each live reminder's fire_at and cancels
 * the jobs of reminders that moved, went out, or whose task is done or
 * deleted. Without a job runner in this process (a script, a test) it does
 * nothing; the sweep still delivers.
 */
export async function scheduleReminderJobs(db: Database, plan: ReminderPlan, boss: PgBoss | undefined = getBoss()): Promise<void> {
  if (!boss || (plan.taskIds.size === 0 && plan.cancelJobIds.length === 0)) return;
  try {
    if (plan.cancelJobIds.length > 0) await boss.cancel(REMINDER_QUEUE, plan.cancelJobIds);
    if (plan.taskIds.size === 0) return;
    const rows = await db
      .select({ reminder: taskReminders, status: tasks.status, deletedAt: tasks.deletedAt })
      .from(taskReminders)
      .innerJoin(tasks, eq(tasks.id, taskReminders.taskId))
      .where(inArray(taskReminders.taskId, [...plan.taskIds]));
    for (const { reminder, status, deletedAt } of rows) {
      if (reminder.jobId) await boss.cancel(REMINDER_QUEUE, reminder.jobId);
      const armed = reminder.fireAt !== null && reminder.sentAt === null && status !== "done" && deletedAt === null;
      const jobId = armed ? await boss.send(REMINDER_QUEUE, { reminderId: reminder.id }, { startAfter: reminder.fireAt!, retryLimit: 5 }) : null;
      if (jobId !== reminder.jobId) await db.update(taskReminders).set({ jobId }).where(eq(taskReminders.id, reminder.id));
    }
  } catch (error) {
    // The change is committed; the minute sweep delivers whatever a lost job would have.
    getLogger().warn({ err: error }, "could not schedule task reminder jobs; the sweep will deliver them");
  }
}

export type ReminderNotification = {
  type: "task.reminder";
  reminderId: string;
  taskId: string;
  title: string;
  dueAt: string | null;
  fireAt: string;
  sentAt: string;
  late: boolean;
};

/**
 * Delivers one reminder if it is due and unsent and its task is open: claims
 * it, writes the `task.reminder` outbox event in the same transaction, and
 * after the commit sends a `notification` event to the assignee (or the owner
 * when nobody is assigned). Returns the notification, or null when there was
 * nothing to send.
 */
export async function deliverReminder(db: Database, reminderId: string, clock: Clock = systemClock): Promise<ReminderNotification | null> {
  const now = clock.now();
  const delivered = await db.transaction(async (tx) => {
    // The share lock on the task waits for a completion or deletion in flight, and blocks one until we commit.
    const [task] = await tx
      .select({ id: tasks.id, userId: tasks.userId, assigneeId: tasks.assigneeId, title: tasks.title, dueAt: tasks.dueAt, status: tasks.status, deletedAt: tasks.deletedAt })
      .from(tasks)
      .innerJoin(taskReminders, eq(taskReminders.taskId, tasks.id))
      .where(eq(taskReminders.id, reminderId))
      .for("share", { of: tasks });
    if (!task || task.status === "done" || task.deletedAt) return null;
    const [claimed] = await tx
      .update(taskReminders)
      .set({ sentAt: now, late: sql`${now.getTime()}::float8 - extract(epoch from ${taskReminders.fireAt}) * 1000 > ${LATE_AFTER_MS}`, jobId: null, updatedAt: now })
      .where(and(eq(taskReminders.id, reminderId), isNull(taskReminders.sentAt), isNotNull(taskReminders.fireAt), lte(taskReminders.fireAt, new Date(now.getTime() + EARLY_TOLERANCE_MS))))
      .returning();
    if (!claimed) return null;
    const recipient = task.assigneeId ?? task.userId;
    const notification: ReminderNotification = {
      type: "task.reminder",
      reminderId: claimed.id,
      taskId: task.id,
      title: task.title,
      dueAt: task.dueAt?.toISOString() ?? null,
      fireAt: claimed.fireAt!.toISOString(),
      sentAt: now.toISOString(),
      late: claimed.late,
    };
    await recordEvent(tx, { type: "task.reminder", userId: recipient, data: notification });
    return { recipient, notification };
  });
  if (!delivered) return null;
  publish(`user:${delivered.recipient}`, "notification", delivered.notification);
  return delivered.notification;
}

/**
 * Delivers every due, unsent reminder of an open task: the boot-time catch-up
 * for reminders missed while the server was down (they go out marked late),
 * and the minute sweep behind lost jobs. Returns what it sent.
 */
export async function sweepDueReminders(db: Database, clock: Clock = systemClock, options: { batch?: number } = {}): Promise<ReminderNotification[]> {
  const sent: ReminderNotification[] = [];
  const batch = options.batch ?? 200;
  const seen = new Set<string>();
  for (;;) {
    const due = await db
      .select({ id: taskReminders.id })
      .from(taskReminders)
      .innerJoin(tasks, eq(tasks.id, taskReminders.taskId))
      .where(and(isNull(taskReminders.sentAt), lte(taskReminders.fireAt, new Date(clock.now().getTime() + EARLY_TOLERANCE_MS)), ne(tasks.status, "done"), isNull(tasks.deletedAt)))
      .orderBy(asc(taskReminders.fireAt))
      .limit(batch);
    const fresh = due.filter((row) => !seen.has(row.id));
    if (fresh.length === 0) return sent;
    for (const { id } of fresh) {
      seen.add(id);
      const notification = await deliverReminder(db, id, clock);
      if (notification) sent.push(notification);
    }
  }
}

/**
 * The tasks feature's jobs. Every instance creates the queues (web instances
 * send jobs); worker instances run the reminder worker, the minute sweep,
 * and one sweep at boot for what fell due while they were down.
 */
export function taskJobs(clock: Clock = systemClock): JobRegistrar {
  return async (boss, { runWorkers }) => {
    await boss.createQueue(REMINDER_QUEUE);
    await boss.createQueue(SWEEP_QUEUE);
    if (!runWorkers) return;
    await startWorker<{ reminderId: string }>(boss, REMINDER_QUEUE, { batchSize: 20 }, async (jobs) => {
      for (const job of jobs) await deliverReminder(getDb(), job.data.reminderId, clock);
    });
    await startWorker(boss, SWEEP_QUEUE, {}, async () => {
      await sweepDueReminders(getDb(), clock);
    });
    await boss.schedule(SWEEP_QUEUE, "* * * * *");
    const log = getLogger();
    try {
      const late = await sweepDueReminders(getDb(), clock);
      if (late.length > 0) log.info({ count: late.length }, "sent task reminders that fell due while the server was down");
    } catch (error) {
      log.error({ err: error }, "boot-time reminder sweep failed; the minute sweep will retry");
    }
  };
}
