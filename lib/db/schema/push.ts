import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "@/lib/db/schema/users";

/**
 * One row per browser that subscribed to web push. The endpoint is the push
 * service's URL for that browser, unique across the hub: a browser belongs to
 * whoever subscribed it last. p256dh and auth are the browser's keys that
 * each payload is encrypted to.
 */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    endpoint: text().notNull(),
    p256dh: text().notNull(),
    auth: text().notNull(),
    userAgent: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Subscribe (upsert) and unsubscribe by endpoint, and removal when the push service says it is gone.
    uniqueIndex("push_subscriptions_endpoint_key").on(t.endpoint),
    // sendPush: every subscription of one user.
    index("push_subscriptions_user_idx").on(t.userId),
  ],
);
