import { bigint, date, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Analytics: daily rollups of the raw tables, maintained by the
 * hub.analytics-rollup job (lib/analytics/rollup.ts), plus two tables that
 * have no raw source to roll up from: who was active each day, and hourly
 * snapshots of device status. Days are UTC dates. A rolled-up day is a
 * record of the day as it closed; docs/analytics.md (Rollups) says what that
 * means for rows changed afterwards.
 */

/** How far the rollups reach: every UTC day up to and including rolledThrough is in the tables below. */
export const analyticsRollupState = pgTable("analytics_rollup_state", {
  key: text().primaryKey(),
  rolledThrough: date({ mode: "string" }).notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Inbox messages ingested per day, user, device ('' for device-less sources) and type, with the summed ingest latency. */
export const analyticsMessageDaily = pgTable(
  "analytics_message_daily",
  {
    day: date({ mode: "string" }).notNull(),
    userId: text().notNull(),
    deviceId: text().notNull(),
    type: text().notNull(),
    count: integer().notNull(),
    latencyMsSum: bigint({ mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId, t.deviceId, t.type] }), index("analytics_message_daily_user_idx").on(t.userId, t.day)],
);

/** Ingest latency (created_at − received_at) percentiles per day, over every message ingested that day. */
export const analyticsIngestDaily = pgTable("analytics_ingest_daily", {
  day: date({ mode: "string" }).primaryKey(),
  count: integer().notNull(),
  p50Ms: doublePrecision().notNull(),
  p95Ms: doublePrecision().notNull(),
  maxMs: doublePrecision().notNull(),
});

/** Messages per day, user and sender: the top-senders charts. */
export const analyticsSenderDaily = pgTable(
  "analytics_sender_daily",
  {
    day: date({ mode: "string" }).notNull(),
    userId: text().notNull(),
    sender: text().notNull(),
    count: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId, t.sender] }), index("analytics_sender_daily_user_idx").on(t.userId, t.day)],
);

/**
 * The same counts summed per calendar month, recomputed from the daily rows
 * of every month the job rolls into. A range reads whole months from here
 * and its partial months from the daily table: a year's top senders
 * aggregate twelve rows per sender instead of 365.
 */
export const analyticsSenderMonthly = pgTable(
  "analytics_sender_monthly",
  {
    month: date({ mode: "string" }).notNull(),
    userId: text().notNull(),
    sender: text().notNull(),
    count: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.userId, t.sender] }), index("analytics_sender_monthly_user_idx").on(t.userId, t.month)],
);

/**
 * Tasks per day and responsible user (the assignee, else the owner): created
 * and completed that day, completions that had a due date and those done by
 * it, and how many of the user's tasks were overdue when the day closed.
 */
export const analyticsTaskDaily = pgTable(
  "analytics_task_daily",
  {
    day: date({ mode: "string" }).notNull(),
    userId: text().notNull(),
    created: integer().notNull(),
    completed: integer().notNull(),
    completedWithDue: integer().notNull(),
    completedOnTime: integer().notNull(),
    overdue: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId] }), index("analytics_task_daily_user_idx").on(t.userId, t.day)],
);

/** Room messages per day, room and author (system messages excluded). */
export const analyticsRoomDaily = pgTable(
  "analytics_room_daily",
  {
    day: date({ mode: "string" }).notNull(),
    roomId: text().notNull(),
    authorId: text().notNull(),
    count: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.roomId, t.authorId] })],
);

/** One row per user per UTC day they made an authenticated request (lib/analytics/activity.ts). */
export const analyticsUserActivity = pgTable(
  "analytics_user_activity",
  {
    day: date({ mode: "string" }).notNull(),
    userId: text().notNull(),
    firstSeenAt: timestamp({ withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId] })],
);

/** Device status counts, one row per hour (the latest snapshot taken in it). */
export const analyticsDeviceStatus = pgTable("analytics_device_status", {
  at: timestamp({ withTimezone: true }).primaryKey(),
  online: integer().notNull(),
  stale: integer().notNull(),
  offline: integer().notNull(),
});
