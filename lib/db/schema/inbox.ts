import { sql } from "drizzle-orm";
import { bigint, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "@/lib/db/schema/users";

/**
 * The inbox: the phones (devices) that forward messages, the messages
 * themselves, and the retention rules that expire them with each user's
 * last run. lib/devices and lib/messages own these tables; see their
 * READMEs for the invariants.
 */
const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

const tsvector = customType<{ data: string }>({
  dataType() {
    return "tsvector";
  },
});

export const devices = pgTable(
  "devices",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    platform: text(),
    phoneNumber: text(),
    model: text(),
    appVersion: text(),
    /** Percent, 0–100, from the last heartbeat. */
    battery: integer(),
    /**
     * The secret the device's forwarder app signs its requests with. It has to
     * be readable to verify an HMAC, so it is stored as given; the API never
     * returns it (write-only), and the logger redacts the field name.
     */
    signingSecret: text(),
    lastSeenAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    /** The message-sync position the device acknowledged ("synced up to"). */
    syncPosition: bigint({ mode: "number" }),
    syncAckedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // The device list: a user's devices newest first (ids are time-ordered), keyset pages by id.
    index("devices_user_idx").on(t.userId, t.id),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /**
     * The device that forwarded it, or null for device-less sources (a user's
     * own API key, the SMS router). No foreign key on purpose: deleting a
     * device keeps its messages and their dedupe keys.
     */
    deviceId: text(),
    /** Where it came from: api, smsgate, smsforwarder, sms-to-url, generic, twilio… */
    source: text().notNull(),
    externalId: text(),
    /** sha256 of sender, body and receivedAt to the second; the dedupe key when externalId is absent. */
    fingerprint: text().notNull(),
    type: text({ enum: ["sms", "mms", "notification", "call", "email", "chat", "other"] }).notNull(),
    sender: text().notNull(),
    recipient: text(),
    body: text().notNull(),
    title: text(),
    app: text(),
    simSlot: integer(),
    threadKey: text(),
    priority: text({ enum: ["low", "normal", "high", "urgent"] }).notNull().default("normal"),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    metadata: jsonb().notNull().default({}),
    attachments: jsonb().notNull().default([]),
    // Millisecond precision, like the JSON timestamps clients send and the
    // list cursors that carry them: a cursor then round-trips exactly.
    receivedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    sentAt: timestamp({ withTimezone: true, precision: 3 }),
    readAt: timestamp({ withTimezone: true }),
    /** Soft delete: the row stays as a tombstone so sync clients learn of it. */
    deletedAt: timestamp({ withTimezone: true }),
    /** Set when retention erased the content (the tombstone remains for sync). */
    expiredAt: timestamp({ withTimezone: true }),
    /** The user's messages-stream position of the row's latest change (lib/sync). */
    changePosition: bigint({ mode: "number" }).notNull(),
    /**
     * Full-text document. The 'simple' configuration does no stemming, so it
     * behaves the same for every language a phone receives; prefix matching
     * on the last word covers most of what stemming would.
     */
    search: tsvector()
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('simple', coalesce(sender, '')), 'A') || setweight(to_tsvector('simple', coalesce(title, '')), 'B') || setweight(to_tsvector('simple', body), 'C')`,
      ),
    ...timestamps,
  },
  (t) => [
    // Ingest dedupe by the client's id. user_id leads because device-less
    // sources (device_id null, folded to '') must still dedupe per user.
    uniqueIndex("messages_external_key")
      .on(t.userId, sql`coalesce(${t.deviceId}, '')`, t.externalId)
      .where(sql`external_id is not null`),
    // Ingest dedupe by content when the client sends no id.
    uniqueIndex("messages_fingerprint_key")
      .on(t.userId, sql`coalesce(${t.deviceId}, '')`, t.fingerprint)
      .where(sql`external_id is null`),
    // Delta sync: change_position > since order by change_position, per user.
    uniqueIndex("messages_sync_key").on(t.userId, t.changePosition),
    // The inbox list, newest first with keyset pages; since/until; retention's age scan.
    index("messages_list_idx").on(t.userId, t.receivedAt, t.id).where(sql`deleted_at is null`),
    // The list filtered by device, the device list's message count and last message.
    index("messages_device_idx").on(t.userId, t.deviceId, t.receivedAt, t.id).where(sql`deleted_at is null`),
    // The unread list and unread counts.
    index("messages_unread_idx").on(t.userId, t.receivedAt).where(sql`read_at is null and deleted_at is null`),
    // Threads: messages grouped by thread key or sender.
    index("messages_thread_idx")
      .on(t.userId, sql`coalesce(${t.threadKey}, ${t.sender})`, t.receivedAt)
      .where(sql`deleted_at is null`),
    // Full-text search (q). Small pending lists: migration 0013.
    index("messages_search_idx").using("gin", t.search).with({ gin_pending_list_limit: 256 }),
    // The tag filter (tags @> array[…]).
    index("messages_tags_idx").using("gin", t.tags).with({ gin_pending_list_limit: 256 }),
    // Analytics: the day being rolled up, and today's live figures (lib/analytics).
    index("messages_created_idx").on(t.createdAt),
  ],
);

/**
 * "Delete messages older than N days", per user (device_id null) and
 * optionally per device, which then overrides the user's rule for that
 * device. The retention job applies them (lib/messages/retention.ts).
 */
export const retentionRules = pgTable(
  "retention_rules",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deviceId: text().references(() => devices.id, { onDelete: "cascade" }),
    days: integer().notNull(),
    ...timestamps,
  },
  (t) => [
    // One rule per (user, device or none); the settings page and the job read them by user.
    uniqueIndex("retention_rules_scope_key").on(t.userId, sql`coalesce(${t.deviceId}, '')`),
  ],
);

/**
 * The retention job's last run for each user with a rule: when it ran and
 * how many messages it removed (0 included), shown on the settings page.
 */
export const retentionRuns = pgTable("retention_runs", {
  userId: text()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  ranAt: timestamp({ withTimezone: true }).notNull(),
  removed: integer().notNull(),
});
