import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { tasks } from "@/lib/db/schema/tasks";
import { recordTaskChanges } from "@/lib/tasks/changes";
import { afterCommit, recordTaskEvents } from "@/lib/tasks/events";
import { assertAssignable, invalidField, resolveDue, userTimezone } from "@/lib/tasks/fields";
import { taskColumns, toTask } from "@/lib/tasks/load";
import { emptyPlan, reconcileReminders } from "@/lib/tasks/reminders";
import type { CreateTaskInput, Task } from "@/lib/tasks/schemas";
import { setTaskTags } from "@/lib/tasks/tags";

/**
 * Creates a task owned by `userId`. A task with an rrule starts a series whose
 * first occurrence is this task (DTSTART = dueAt). Writes task.created (and
 * task.assigned) to the outbox, takes a sync position for the owner and the
 * assignee, and after the commit publishes `task:changed` and arms reminder jobs.
 */
export async function createTask(db: Database, userId: string, input: CreateTaskInput, options: { now?: Date } = {}): Promise<Task> {
  return (await createTaskOnce(db, userId, input, options)).task;
}

/**
 * createTask, exactly once per clientId: a create that names a clientId the
 * user already created a task with (a retry whose first answer was lost)
 * writes nothing and returns that task, as it is now, with `created: false`.
 * Concurrent retries insert one row: the unique index (user, clientId) makes
 * the others wait for it and then skip (on conflict do nothing).
 */
export async function createTaskOnce(db: Database, userId: string, input: CreateTaskInput, options: { now?: Date } = {}): Promise<{ task: Task; created: boolean }> {
  const now = options.now ?? new Date();
  const plan = emptyPlan();
  const result = await db.transaction(async (tx) => {
    const timezone = input.timezone ?? (await userTimezone(tx, userId));
    const due = resolveDue(input.dueAt ?? null, input.allDay, timezone);
    const rrule = input.rrule ?? null;
    if (rrule && !due.dueAt) throw invalidField("dueAt", "is required for a recurring task (it is the first occurrence)");
    await assertAssignable(tx, input.assigneeId);
    const status = input.status ?? "todo";
    const id = newId("task", now.getTime());
    const [row] = await tx
      .insert(tasks)
      .values({
        id,
        userId,
        assigneeId: input.assigneeId ?? null,
        title: input.title,
        description: input.description ?? "",
        status,
        priority: input.priority ?? "medium",
        dueAt: due.dueAt,
        allDay: due.allDay,
        timezone,
        rrule,
        recurFrom: input.recurFrom ?? "schedule",
        seriesId: rrule ? id : null,
        seriesStart: rrule ? due.dueAt : null,
        occurrenceDate: rrule ? due.dueAt : null,
        sortOrder: input.sortOrder ?? 0,
        completedAt: status === "done" ? now : null,
        createdAt: now,
        updatedAt: now,
        clientId: input.clientId ?? null,
      })
      .onConflictDoNothing({ target: [tasks.userId, tasks.clientId], where: sql`client_id is not null` })
      .returning(taskColumns);
    if (!row) {
      // Only the clientId index can conflict here (ids are new): the earlier create is committed.
      const [earlier] = await tx
        .select(taskColumns)
        .from(tasks)
        .where(and(eq(tasks.userId, userId), eq(tasks.clientId, input.clientId!)));
      if (!earlier) throw new Error("a task create conflicted but the earlier task was not found");
      return { task: await toTask(tx, earlier), notices: [], created: false };
    }
    if (input.tags) await setTaskTags(tx, userId, id, input.tags);
    await reconcileReminders(tx, row, input.reminders ?? [], plan, now);
    const notices = await recordTaskChanges(tx, [{ row }]);
    const task = await toTask(tx, row);
    await recordTaskEvents(tx, [{ type: "task.created", task }, ...(task.assigneeId && task.assigneeId !== userId ? [{ type: "task.assigned" as const, task }] : [])]);
    return { task, notices, created: true };
  });
  if (result.created) await afterCommit(db, { notices: result.notices, plan });
  return { task: result.task, created: result.created };
}
