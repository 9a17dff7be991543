import { and, eq, isNull } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { users } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import { localDateToInstant, startOfLocalDay } from "@/lib/tasks/timezone";

/** A 422 naming one body field, like the route wrapper's own. */
export function invalidField(field: string, message: string): AppError {
  return new AppError("validation_failed", "The body failed validation", { errors: [{ path: `body.${field}`, message, code: "custom" }] });
}

/**
 * The stored due instant. A timed task keeps whole seconds; an all-day task
 * is local midnight of its day in the task's zone. A bare date is an all-day
 * due date.
 */
export function resolveDue(dueAt: string | Date | null, allDay: boolean | undefined, timezone: string): { dueAt: Date | null; allDay: boolean } {
  if (dueAt === null) return { dueAt: null, allDay: allDay ?? false };
  if (typeof dueAt === "string" && /^\d{4}-\d{2}-\d{2}$/.test(dueAt)) {
    if (allDay === false) throw invalidField("dueAt", "is a date without a time: send a timestamp, or allDay: true");
    return { dueAt: localDateToInstant(dueAt, timezone), allDay: true };
  }
  const instant = new Date(dueAt);
  if (allDay) return { dueAt: startOfLocalDay(instant, timezone), allDay: true };
  return { dueAt: new Date(Math.floor(instant.getTime() / 1000) * 1000), allDay: false };
}

/**
 * An assignee must be an active user of this hub: assigning a task is how its
 * owner shares it, and the assignee then sees it (and only it).
 */
export async function assertAssignable(db: Queryable, assigneeId: string | null | undefined): Promise<void> {
  if (!assigneeId) return;
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, assigneeId), isNull(users.deactivatedAt)));
  if (!user) throw invalidField("assigneeId", "is not an active user of this hub");
}

export async function userTimezone(db: Queryable, userId: string): Promise<string> {
  const [user] = await db.select({ timezone: users.timezone }).from(users).where(eq(users.id, userId));
  return user?.timezone ?? "UTC";
}
