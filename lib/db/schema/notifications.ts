import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { devices } from "@/lib/db/schema/inbox";
import { users } from "@/lib/db/schema/users";

/**
 * One notification for one user, made by the notifications outbox consumer
 * from a domain event. (event_id, user_id) is unique: an event notifies each
 * recipient once, whatever reruns the consumer's job.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** task.assigned, task.status_changed, task.reminder, message.high_priority, webhook.disabled… */
    type: text().notNull(),
    eventId: text().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    /** Where the notification leads in the web app (a path). */
    url: text(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    urgent: boolean().notNull().default(false),
    /** Bursts of the same type and key (a sender) within a few minutes collapse into this row. */
    groupKey: text(),
    /** How many events this notification stands for (grouping). */
    count: integer().notNull().default(1),
    readAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The consumer's idempotency: one notification per (event, recipient).
    uniqueIndex("notifications_event_user_key").on(t.eventId, t.userId),
    // GET /api/v1/notifications: a user's newest first.
    index("notifications_user_created_idx").on(t.userId, t.createdAt),
    // Grouping: the user's latest notification of a type and key.
    index("notifications_group_idx").on(t.userId, t.type, t.groupKey, t.createdAt),
    // The unread count and "mark all read".
    index("notifications_user_unread_idx").on(t.userId).where(sql`read_at is null`),
  ],
);

/**
 * One row per (notification, channel) the notification goes out on. The
 * unique key is what makes a channel send once: the consumer inserts the row
 * with the notification, and the channel job sends only while it is pending.
 */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: text().primaryKey(),
    notificationId: text()
      .notNull()
      .references(() => notifications.id, { onDelete: "cascade" }),
    channel: text({ enum: ["in_app", "push", "email", "sms"] }).notNull(),
    status: text({ enum: ["pending", "sent", "skipped", "failed"] }).notNull().default("pending"),
    attempts: integer().notNull().default(0),
    /** Quiet hours: not sent before this instant (the end of the user's quiet hours). */
    notBefore: timestamp({ withTimezone: true }),
    detail: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Exactly one send per channel per notification; the channel job looks its row up by it too.
    uniqueIndex("notification_deliveries_notification_channel_key").on(t.notificationId, t.channel),
  ],
);

/**
 * A user's choice for one (type, channel). No row means the default
 * (lib/notifications/preferences.ts DEFAULTS).
 */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text().notNull(),
    channel: text({ enum: ["in_app", "push", "email", "sms"] }).notNull(),
    enabled: boolean().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // The primary key serves the consumer's lookup of one user's choices and the preferences API.
  (t) => [primaryKey({ columns: [t.userId, t.type, t.channel] })],
);

/**
 * Email that would have gone out over SMTP when SMTP_URL is not set: the dev
 * mailbox admins read at /admin/mailbox.
 */
export const devMailbox = pgTable(
  "dev_mailbox",
  {
    id: text().primaryKey(),
    messageId: text().notNull(),
    to: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // GET /api/v1/admin/mailbox: newest first.
    index("dev_mailbox_created_idx").on(t.createdAt),
    // A resend of the same email (same Message-ID) is stored once.
    uniqueIndex("dev_mailbox_message_id_key").on(t.messageId),
  ],
);

/**
 * A user's notification schedule: quiet hours and digests, read in the
 * user's timezone (users.timezone). No row means the defaults (no quiet
 * hours; daily digest at 08:00; weekly digest on Monday).
 */
export const notificationSettings = pgTable(
  "notification_settings",
  {
    userId: text()
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Local "HH:MM"; both null means no quiet hours. A start after the end spans midnight. */
    quietStart: text(),
    quietEnd: text(),
    dailyDigest: boolean().notNull().default(true),
    /** Local "HH:MM". */
    digestTime: text().notNull().default("08:00"),
    weeklyDigest: boolean().notNull().default(true),
    /** 0 Sunday … 6 Saturday. */
    weeklyDay: integer().notNull().default(1),
    /** The next instant each digest is due, computed in the user's zone; the digest tick sends what is due. */
    nextDailyAt: timestamp({ withTimezone: true }),
    nextWeeklyAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The digest tick: settings whose daily digest is due.
    index("notification_settings_next_daily_idx").on(t.nextDailyAt),
    // The digest tick: settings whose weekly digest is due.
    index("notification_settings_next_weekly_idx").on(t.nextWeeklyAt),
  ],
);

/**
 * One row per device outage that was announced: a device is offline once its
 * last_seen_at is older than the offline threshold, and that outage is keyed
 * by the last_seen_at it went silent at, so it is announced once; a device
 * that comes back and goes silent again is a new outage.
 */
export const deviceOfflineNotices = pgTable(
  "device_offline_notices",
  {
    deviceId: text()
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // The primary key is the once-per-outage guarantee and the detector's "already announced?" lookup.
  (t) => [primaryKey({ columns: [t.deviceId, t.lastSeenAt] })],
);
