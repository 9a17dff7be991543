import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The audit log: who did what to what, from where, and when. Rows are only
 * inserted, never updated. No foreign key on the actor, so the record of an
 * action outlives anything it names.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text().primaryKey(),
    /** The user who acted; null for anonymous actions (a failed sign-in for an unknown email). */
    actorId: text(),
    /** Dotted verb such as auth.sign_in or api_key.revoked; see lib/audit/actions.ts. */
    action: text().notNull(),
    /** What the action was done to: a type (user, api_key, invite) and its id. */
    targetType: text(),
    targetId: text(),
    ip: text(),
    userAgent: text(),
    requestId: text(),
    /** Non-secret details: changed fields, old and new role, key scopes, failure reason. */
    metadata: jsonb().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The admin audit page: newest first (ids are time-ordered), optionally from/until a time.
    index("audit_log_created_idx").on(t.createdAt),
    // The audit page filtered by action.
    index("audit_log_action_idx").on(t.action, t.id),
    // The audit page filtered by actor.
    index("audit_log_actor_idx").on(t.actorId, t.id),
  ],
);
