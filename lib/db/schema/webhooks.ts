import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "@/lib/db/schema/users";

/**
 * Outbound webhooks: endpoints people register, and the log of what was sent
 * to them. lib/webhooks owns both tables.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** user: events about the owner's data. instance (admins only): every user's events. */
    scope: text({ enum: ["user", "instance"] }).notNull().default("user"),
    url: text().notNull(),
    /** Event types to send; "*" means every type. */
    events: text().array().notNull(),
    description: text(),
    /** The signing secret, AES-256-GCM encrypted (lib/webhooks/secrets.ts). Never returned after creation. */
    secretCiphertext: text().notNull(),
    disabledAt: timestamp({ withTimezone: true }),
    disabledReason: text(),
    /** Failed attempts in a row; a success resets it. */
    failureCount: integer().notNull().default(0),
    /** When the current run of failures began. */
    failingSince: timestamp({ withTimezone: true }),
    lastSuccessAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The owner's webhook list, newest first, paged by id (ids are time-ordered); also the
    // consumer's lookup of a user's live endpoints.
    index("webhooks_user_idx").on(t.userId, t.id),
    // The consumer's lookup of live instance-wide endpoints, which receive every user's events.
    index("webhooks_instance_idx").on(t.scope).where(sql`scope = 'instance' and disabled_at is null`),
  ],
);

export const DELIVERY_STATUSES = ["pending", "sending", "succeeded", "failed", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text().primaryKey(),
    webhookId: text()
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    eventId: text().notNull(),
    eventType: text().notNull(),
    /** The exact JSON body sent (and signed) on every attempt. */
    requestBody: text().notNull(),
    status: text({ enum: DELIVERY_STATUSES }).notNull().default("pending"),
    /** Attempts made so far (the one in flight included while status is sending). */
    attempt: integer().notNull().default(0),
    responseStatus: integer(),
    /** The first 1 KB of the last response body. */
    responseBody: text(),
    durationMs: integer(),
    /** Why the last attempt failed when there was no HTTP response (timeout, refused target…). */
    error: text(),
    nextAttemptAt: timestamp({ withTimezone: true }),
    /** When the attempt in flight started; a stale claim is taken over (the worker died mid-attempt). */
    claimedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    /** Set on a manual redelivery: the delivery it repeats. */
    redeliveryOf: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // An endpoint's delivery log, newest first, paged by id (ids are time-ordered).
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.id),
    // One automatic delivery per (endpoint, event): the consumer's insert is idempotent even if it runs twice.
    uniqueIndex("webhook_deliveries_event_key").on(t.webhookId, t.eventId).where(sql`redelivery_of is null`),
    // Retention: finished deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS.
    index("webhook_deliveries_created_idx").on(t.createdAt),
  ],
);
