import { eq } from "drizzle-orm";
import type { Database, Tx } from "@/lib/db/client";
import { taskReminders, tasks } from "@/lib/db/schema/tasks";
import { AppError } from "@/lib/http/errors";
import { recordTaskChanges } from "@/lib/tasks/changes";
import { afterStatusChange } from "@/lib/tasks/complete";
import { afterCommit, recordTaskEvents, type TaskEventType } from "@/lib/tasks/events";
import { assertAssignable, invalidField, resolveDue } from "@/lib/tasks/fields";
import { lockVisibleTask, taskColumns, type TaskRow, toTask } from "@/lib/tasks/load";
import { emptyPlan, reconcileReminders } from "@/lib/tasks/reminders";
import type { Task, UpdateTaskInput } from "@/lib/tasks/schemas";
import { successorOf } from "@/lib/tasks/series";
import { toFloating } from "@/lib/tasks/timezone";
import { setTaskTags, tagNamesOf } from "@/lib/tasks/tags";

/** Fields that an "only this" edit keeps off the following occurrences. */
const CONTENT_FIELDS = ["title", "description", "priority", "assigneeId", "tags", "reminders"] as const;
type ContentField = (typeof CONTENT_FIELDS)[number];

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if ((e as { code?: unknown }).code === "23505") return true;
  return false;
}

/**
 * Updates a task the caller can see, if `version` is still current; a stale
 * version is a 409 whose problem body carries the current task (`task`), so
 * the client can offer a merge.
 *
 * On a recurring task, `scope` picks between "only this occurrence" and "this
 * and following" (see lib/tasks/README.md). Moving the schedule (rrule,
 * recurFrom, timezone, allDay, or dueAt for the following ones) restarts the
 * rule at this occurrence, which must be the series' latest.
 */
export async function updateTask(db: Database, userId: string, id: string, input: UpdateTaskInput, options: { now?: Date } = {}): Promise<Task> {
  const now = options.now ?? new Date();
  const plan = emptyPlan();
  const { task, notices } = await db.transaction(async (tx) => {
    const row = await lockVisibleTask(tx, userId, id);
    if (row.version !== input.version) {
      throw new AppError("conflict", `The task changed since version ${input.version}; it is at version ${row.version}. Merge and retry with that version.`, {
        extra: { task: await toTask(tx, row) },
      });
    }
    const isOwner = row.userId === userId;
    if (!isOwner && input.assigneeId !== undefined && input.assigneeId !== null && input.assigneeId !== row.assigneeId) {
      throw new AppError("forbidden", "Only the task's owner can assign it to someone");
    }
    if (input.assigneeId !== undefined && input.assigneeId !== row.assigneeId) await assertAssignable(tx, input.assigneeId);

    const timezone = input.timezone ?? row.timezone;
    let { dueAt, allDay } = row;
    if (input.dueAt !== undefined) ({ dueAt, allDay } = resolveDue(input.dueAt, input.allDay, timezone));
    else if (row.dueAt && (input.allDay !== undefined || input.timezone !== undefined)) {
      // An all-day task keeps its calendar date when it changes zone (or becomes all-day).
      const becomesAllDay = input.allDay ?? row.allDay;
      const localDate = toFloating(row.dueAt, row.timezone).toISOString().slice(0, 10);
      ({ dueAt, allDay } = becomesAllDay ? resolveDue(localDate, true, timezone) : resolveDue(row.dueAt, false, timezone));
    } else if (input.allDay !== undefined) allDay = input.allDay;
    const rrule = input.rrule !== undefined ? input.rrule : row.rrule;
    const recurFrom = input.recurFrom ?? row.recurFrom;
    if (rrule && !dueAt) throw invalidField("dueAt", "is required for a recurring task");

    const wasRecurring = Boolean(row.rrule && row.seriesId);
    const onlyThis = wasRecurring && input.scope === "this";
    const dueMoved = (dueAt?.getTime() ?? null) !== (row.dueAt?.getTime() ?? null);
    const scheduleChanged = rrule !== row.rrule || recurFrom !== row.recurFrom || timezone !== row.timezone || allDay !== row.allDay || (dueMoved && !onlyThis);

    let series = { seriesId: row.seriesId, seriesStart: row.seriesStart, occurrenceDate: row.occurrenceDate, occurrenceIndex: row.occurrenceIndex, exdates: row.exdates };
    if (rrule && scheduleChanged) {
      if (wasRecurring) {
        const later = await successorOf(tx, row);
        if (later) throw new AppError("conflict", `This occurrence already has a later one (${later.id}); change the schedule there`);
      }
      // The rule restarts here: this occurrence is its DTSTART, and COUNT counts from it.
      series = { seriesId: row.seriesId ?? row.id, seriesStart: dueAt, occurrenceDate: dueAt, occurrenceIndex: 1, exdates: row.exdates.filter((date) => date > dueAt!) };
    }

    const seriesDefaults = await nextDefaults(tx, row, input, Boolean(rrule) && onlyThis);
    const status = input.status ?? row.status;
    const completedAt = status === "done" ? (row.status === "done" ? row.completedAt : now) : null;

    let updated: TaskRow;
    try {
      [updated] = (await tx
        .update(tasks)
        .set({
          title: input.title ?? row.title,
          description: input.description ?? row.description,
          priority: input.priority ?? row.priority,
          status,
          completedAt,
          assigneeId: input.assigneeId !== undefined ? input.assigneeId : row.assigneeId,
          dueAt,
          allDay,
          timezone,
          rrule,
          recurFrom,
          ...series,
          seriesDefaults,
          sortOrder: input.sortOrder ?? row.sortOrder,
          version: row.version + 1,
          updatedAt: now,
        })
        .where(eq(tasks.id, id))
        .returning(taskColumns)) as [TaskRow];
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict", "Another occurrence of this series is already at that date");
      throw error;
    }

    if (input.tags !== undefined) await setTaskTags(tx, row.userId, id, input.tags);
    await reconcileReminders(tx, updated, input.reminders, plan, now);
    const { spawned, events } = await afterStatusChange(tx, row, updated, { now, plan });
    const notices = await recordTaskChanges(tx, [{ row: updated, formerViewers: [row.assigneeId] }, ...(spawned?.created ? [{ row: spawned.next }] : [])]);

    const task = await toTask(tx, updated);
    const changed = (Object.keys(input) as (keyof UpdateTaskInput)[]).filter((key) => key !== "version" && key !== "scope" && input[key] !== undefined);
    const outbox: { type: TaskEventType; task: Task; extra?: Record<string, unknown> }[] = [
      { type: "task.updated", task, extra: { changes: changed, scope: onlyThis ? "this" : "following" } },
      ...events.map((event) => ({ ...event, task })),
    ];
    if (updated.assigneeId && updated.assigneeId !== row.assigneeId && updated.assigneeId !== updated.userId) outbox.push({ type: "task.assigned", task, extra: { previousAssigneeId: row.assigneeId } });
    if (spawned?.created) outbox.push({ type: "task.created", task: await toTask(tx, spawned.next), extra: { reason: "recurrence", previousId: id } });
    await recordTaskEvents(tx, outbox);
    return { task, notices };
  });
  await afterCommit(db, { notices, plan });
  return task;
}

/**
 * seriesDefaults after this edit. An "only this" edit remembers, once, the
 * value the following occurrences keep; a "following" edit of a field makes
 * the new value the series' own, so any remembered value is dropped.
 */
async function nextDefaults(tx: Tx, row: TaskRow, input: UpdateTaskInput, onlyThis: boolean): Promise<Record<string, unknown> | null> {
  const defaults: Record<string, unknown> = { ...(row.seriesDefaults ?? {}) };
  for (const field of CONTENT_FIELDS) {
    if (input[field] === undefined) continue;
    if (!onlyThis) {
      delete defaults[field];
      continue;
    }
    if (field in defaults) continue;
    defaults[field] = await currentValue(tx, row, field);
  }
  return Object.keys(defaults).length > 0 ? defaults : null;
}

async function currentValue(tx: Tx, row: TaskRow, field: ContentField): Promise<unknown> {
  switch (field) {
    case "tags":
      return tagNamesOf(tx, row.id);
    case "reminders": {
      const reminders = await tx.select({ at: taskReminders.at, offsetMinutes: taskReminders.offsetMinutes }).from(taskReminders).where(eq(taskReminders.taskId, row.id));
      return reminders.map((reminder) => ({ at: reminder.at?.toISOString() ?? null, offsetMinutes: reminder.offsetMinutes }));
    }
    default:
      return row[field];
  }
}
