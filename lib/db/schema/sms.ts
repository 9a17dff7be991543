import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "@/lib/db/schema/users";

/**
 * The SMS router: users' phone numbers and their verification, the console
 * provider's outbox, and the usage log every inbound and outbound SMS writes.
 * lib/sms owns these tables; see lib/sms/README.md.
 */
const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

export const phoneNumbers = pgTable(
  "phone_numbers",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** E.164. */
    phoneNumber: text().notNull(),
    verifiedAt: timestamp({ withTimezone: true }),
    /** sha256 of the pending code; null once verified. */
    codeHash: text(),
    codeExpiresAt: timestamp({ withTimezone: true }),
    /** Wrong guesses against the current code. */
    attempts: integer().notNull().default(0),
    codeSentAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // Inbound routing: the one verified owner of a From number. Unique, so a number routes to one user.
    uniqueIndex("phone_numbers_verified_key").on(t.phoneNumber).where(sql`verified_at is not null`),
    // A user's list, and "has this user already added this number".
    uniqueIndex("phone_numbers_user_key").on(t.userId, t.phoneNumber),
  ],
);

export const smsOutbox = pgTable(
  "sms_outbox",
  {
    id: text().primaryKey(),
    to: text().notNull(),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The admin outbox list, newest first.
    index("sms_outbox_created_idx").on(t.createdAt),
  ],
);

export const smsUsage = pgTable(
  "sms_usage",
  {
    id: text().primaryKey(),
    /** Null for an inbound SMS that reached no user (unknown sender, bad signature). */
    userId: text().references(() => users.id, { onDelete: "set null" }),
    direction: text({ enum: ["inbound", "outbound"] }).notNull(),
    /** The counterpart: From for inbound, To for outbound (E.164 when it parses). */
    number: text().notNull(),
    /** Twilio's MessageSid; inbound retries dedupe on it. */
    messageSid: text(),
    /** What the message was for: a routed text, a guidance reply, a verification code, a reply from the inbox, a notification. */
    kind: text({ enum: ["message", "guidance", "verification", "reply", "notification"] }).notNull(),
    encoding: text({ enum: ["GSM-7", "UCS-2"] }).notNull(),
    segments: integer().notNull(),
    /** USD for the whole message. */
    price: doublePrecision().notNull(),
    priceSource: text({ enum: ["twilio", "rate_table"] }).notNull(),
    latencyMs: integer(),
    outcome: text({ enum: ["routed", "unknown_sender", "invalid_signature", "sent", "error"] }).notNull(),
    error: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Webhook dedupe: has this inbound MessageSid been handled.
    uniqueIndex("sms_usage_sid_key").on(t.direction, t.messageSid).where(sql`message_sid is not null`),
    // Analytics over a time range (admins: all users).
    index("sms_usage_created_idx").on(t.createdAt),
    // Analytics for one user over a time range.
    index("sms_usage_user_idx").on(t.userId, t.createdAt),
  ],
);
