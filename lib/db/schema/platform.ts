import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

/**
 * Per-user change positions, one row per (user, stream). A writer bumps the
 * row inside its own transaction, which holds the row lock until commit, so
 * positions for one user commit in order and a sync reader never sees a
 * later position before an earlier one. See lib/sync/README.md.
 */
export const changeCounters = pgTable(
  "change_counters",
  {
    userId: text().notNull(),
    stream: text().notNull(),
    position: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.stream] })],
);

/**
 * The transactional outbox. Domain writes insert an event in the same
 * transaction as the change; the dispatcher delivers it after commit.
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: text().primaryKey(),
    type: text().notNull(),
    userId: text(),
    data: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // The dispatcher's scan: undispatched events, oldest first.
    index("outbox_events_pending_idx").on(t.createdAt).where(sql`dispatched_at is null`),
    // Retention: dispatched events older than OUTBOX_RETENTION_DAYS.
    index("outbox_events_dispatched_idx").on(t.dispatchedAt).where(sql`dispatched_at is not null`),
  ],
);

/**
 * Which outbox consumer has handled which event. A consumer's job inserts its
 * row in the same transaction as its effects, so a job that pg-boss runs
 * twice (a worker died after the commit, before completing the job) finds the
 * row and does nothing: consumers are idempotent by event id. See
 * lib/jobs/README.md.
 */
export const outboxDeliveries = pgTable(
  "outbox_deliveries",
  {
    eventId: text()
      .notNull()
      .references(() => outboxEvents.id, { onDelete: "cascade" }),
    consumer: text().notNull(),
    handledAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // The primary key is the dedupe check itself: insert … on conflict do nothing.
  (t) => [primaryKey({ columns: [t.eventId, t.consumer] })],
);

/**
 * Instance-wide values made on first boot and shared by every instance:
 * the session secret when AUTH_SECRET is unset, VAPID keys, and the like.
 * Created with insert … on conflict do nothing, so two instances booting
 * together agree on one value.
 */
export const instanceSettings = pgTable("instance_settings", {
  key: text().primaryKey(),
  value: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
