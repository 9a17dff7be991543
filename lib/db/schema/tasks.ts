import { sql } from "drizzle-orm";
import { bigint, boolean, customType, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "@/lib/db/schema/users";

const tsvector = customType<{ data: string }>({
  dataType() {
    return "tsvector";
  },
});

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

/**
 * One row per task, and for a recurring task one row per occurrence: the
 * open one, the done ones (the series' history) and skipped ones.
 * See lib/tasks/README.md for the series model.
 */
export const tasks = pgTable(
  "tasks",
  {
    id: text().primaryKey(),
    /** The owner. Only the owner deletes, assigns and sees the task besides the assignee. */
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    assigneeId: text().references(() => users.id, { onDelete: "set null" }),
    title: text().notNull(),
    /** Markdown, stored as sent (control characters stripped); rendered through a sanitizer. */
    description: text().notNull().default(""),
    status: text({ enum: ["todo", "in_progress", "done"] }).notNull().default("todo"),
    priority: text({ enum: ["low", "medium", "high"] }).notNull().default("medium"),
    dueAt: timestamp({ withTimezone: true }),
    /** An all-day task's dueAt is local midnight of its day in `timezone`. */
    allDay: boolean().notNull().default(false),
    /** IANA zone the due date, the recurrence rule and all-day boundaries are computed in. */
    timezone: text().notNull(),
    /** RRULE value (no DTSTART: that is seriesStart). Null for a one-off task. */
    rrule: text(),
    /** Skipped occurrence dates of the series (EXDATE), carried to each next occurrence. */
    exdates: timestamp({ withTimezone: true }).array().notNull().default(sql`'{}'::timestamptz[]`),
    recurFrom: text({ enum: ["schedule", "completion"] }).notNull().default("schedule"),
    /** The series this occurrence belongs to: the id of its first occurrence. */
    seriesId: text(),
    /** DTSTART of the rule this occurrence follows. */
    seriesStart: timestamp({ withTimezone: true }),
    /** The date the schedule gave this occurrence; dueAt may differ after an "only this" edit. */
    occurrenceDate: timestamp({ withTimezone: true }),
    /** 1-based position in the series (COUNT for recurFrom=completion). */
    occurrenceIndex: integer().notNull().default(1),
    /**
     * The values the next occurrence takes for fields that were edited on
     * this occurrence only ("only this"), e.g. {"title": "Water plants"}.
     */
    seriesDefaults: jsonb().$type<Record<string, unknown>>(),
    /** Manual order (drag to reorder); fractional so a move rewrites one row. */
    sortOrder: doublePrecision().notNull().default(0),
    /** Optimistic concurrency: bumped on every change, compared on PATCH. */
    version: integer().notNull().default(1),
    completedAt: timestamp({ withTimezone: true }),
    skippedAt: timestamp({ withTimezone: true }),
    /** Soft delete: the row stays as a tombstone for sync. */
    deletedAt: timestamp({ withTimezone: true }),
    /**
     * The id the client gave the create (optional), so a create it sends again
     * (its answer was lost) returns this task instead of making a second one.
     */
    clientId: text(),
    search: tsvector().generatedAlwaysAs(sql`to_tsvector('simple', title || ' ' || description)`),
    ...timestamps,
  },
  (t) => [
    // The owner's task list, by due date (GET /api/v1/tasks, saved views).
    index("tasks_owner_due_idx").on(t.userId, t.dueAt, t.id).where(sql`deleted_at is null`),
    // The owner's task list, newest first (sort=createdAt).
    index("tasks_owner_created_idx").on(t.userId, t.createdAt, t.id).where(sql`deleted_at is null`),
    // Tasks assigned to a user (their list, "Assigned to me").
    index("tasks_assignee_due_idx").on(t.assigneeId, t.dueAt, t.id).where(sql`deleted_at is null and assignee_id is not null`),
    // Exactly one occurrence per series and date: the guard that makes concurrent completes
    // create the next occurrence once (insert … on conflict do nothing). Also serves the series history.
    uniqueIndex("tasks_series_occurrence_key").on(t.seriesId, t.occurrenceDate),
    // A create sent twice with the same clientId makes one task (insert … on conflict do nothing).
    uniqueIndex("tasks_client_key").on(t.userId, t.clientId).where(sql`client_id is not null`),
    // Full-text search (q=).
    index("tasks_search_idx").using("gin", t.search),
    // Analytics: tasks created and completed in a window (lib/analytics).
    index("tasks_created_idx").on(t.createdAt),
    index("tasks_completed_idx").on(t.completedAt).where(sql`completed_at is not null`),
  ],
);

/**
 * Which tasks each user's sync stream has seen change, and at which position.
 * A task is in its owner's stream and its assignee's; a change takes a new
 * position in each (lib/sync/positions.ts), and a user who loses sight of a
 * task (unassigned, deleted) gets a tombstone (visible = false).
 */
export const taskSyncState = pgTable(
  "task_sync_state",
  {
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    taskId: text()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    position: bigint({ mode: "number" }).notNull(),
    visible: boolean().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.taskId] }),
    // GET /api/v1/sync/tasks: a user's changes after a position, in order.
    uniqueIndex("task_sync_state_position_key").on(t.userId, t.position),
  ],
);

/** A user's tags for tasks, each with a colour; tasks link to them by id. */
export const taskTags = pgTable(
  "task_tags",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** #rrggbb */
    color: text().notNull(),
    ...timestamps,
  },
  (t) => [
    // One tag per name per user, case-insensitively (find-or-create by name, the tag page).
    uniqueIndex("task_tags_user_name_key").on(t.userId, sql`lower(${t.name})`),
  ],
);

export const taskTagLinks = pgTable(
  "task_tag_links",
  {
    taskId: text()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    tagId: text()
      .notNull()
      .references(() => taskTags.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.tagId] }),
    // Filter tasks by tag (tag=), and the tasks to resync when a tag is renamed or deleted.
    index("task_tag_links_tag_idx").on(t.tagId),
  ],
);

/**
 * Reminders: at a fixed time, or some minutes before the due date. fireAt is
 * when it is due now (recomputed when the task changes); sentAt marks the
 * one delivery, claimed with `update … where sent_at is null`.
 */
export const taskReminders = pgTable(
  "task_reminders",
  {
    id: text().primaryKey(),
    taskId: text()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    at: timestamp({ withTimezone: true }),
    offsetMinutes: integer(),
    /** Null while a due-relative reminder's task has no due date. */
    fireAt: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }),
    /** Delivered well after fireAt (the server was down). */
    late: boolean().notNull().default(false),
    /** The pg-boss job that wakes up for it, cancelled when the reminder moves or the task ends. */
    jobId: text(),
    ...timestamps,
  },
  (t) => [
    // A task's reminders (task reads, re-scheduling on change).
    index("task_reminders_task_idx").on(t.taskId),
    // The sweep for due, unsent reminders (boot, and every minute).
    index("task_reminders_due_idx").on(t.fireAt).where(sql`sent_at is null and fire_at is not null`),
  ],
);

/** A user's saved task filters (the built-in views live in code). */
export const taskSavedViews = pgTable(
  "task_saved_views",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** A lib/tasks/schemas.ts taskFilterSchema value. */
    filters: jsonb().$type<Record<string, unknown>>().notNull(),
    ...timestamps,
  },
  (t) => [
    // The views list, in creation order.
    index("task_saved_views_user_idx").on(t.userId, t.createdAt),
  ],
);
