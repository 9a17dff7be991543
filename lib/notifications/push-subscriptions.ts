import { and, desc, eq } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { pushSubscriptions } from "@/lib/db/schema/push";
import { AppError } from "@/lib/http/errors";
import type { PushSubscriptionInput, PushSubscriptionView } from "@/lib/notifications/schemas";

type Row = typeof pushSubscriptions.$inferSelect;

function toView(row: Row): PushSubscriptionView {
  return { id: row.id, endpoint: row.endpoint, userAgent: row.userAgent, createdAt: row.createdAt.toISOString() };
}

/**
 * Stores this browser's subscription for the user. An endpoint identifies a
 * browser profile, so when someone else subscribes the same browser later,
 * the subscription moves to them and the previous user stops getting pushes
 * there.
 */
export async function saveSubscription(db: Queryable, userId: string, input: PushSubscriptionInput, userAgent: string | null): Promise<PushSubscriptionView> {
  const values = { userId, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent: userAgent?.slice(0, 300) ?? null };
  const [row] = await db
    .insert(pushSubscriptions)
    .values({ id: newId("push"), ...values })
    .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { ...values, updatedAt: new Date() } })
    .returning();
  return toView(row!);
}

export async function listSubscriptions(db: Queryable, userId: string): Promise<PushSubscriptionView[]> {
  const rows = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).orderBy(desc(pushSubscriptions.createdAt));
  return rows.map(toView);
}

/** Removes the caller's subscription by endpoint; an endpoint that is not theirs is a 404. */
export async function deleteSubscription(db: Queryable, userId: string, endpoint: string): Promise<void> {
  const removed = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
    .returning({ id: pushSubscriptions.id });
  if (removed.length === 0) throw new AppError("not_found", "Push subscription not found");
}
