import { and, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { notifications } from "@/lib/db/schema/notifications";
import { pageOf } from "@/lib/http/list-cursor";
import type { NotificationCursor } from "@/lib/notifications/schemas";

export type NotificationView = {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  url: string | null;
  data: Record<string, unknown>;
  urgent: boolean;
  count: number;
  readAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export function toNotificationView(row: typeof notifications.$inferSelect): NotificationView {
  return {
    id: row.id,
    userId: row.userId,
    type: row.type,
    title: row.title,
    body: row.body,
    url: row.url,
    data: row.data,
    urgent: row.urgent,
    count: row.count,
    readAt: row.readAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The user's notifications, newest first, keyset-paged by (created_at, id).
 * created_at may hold microseconds (its default is now()), which a
 * JavaScript Date would round away: the cursor carries it as text to the
 * microsecond, in UTC whatever the session's DateStyle and TimeZone, so a
 * notification created in the same millisecond as a page's last one is
 * neither skipped nor repeated.
 */
export async function listNotifications(
  db: Queryable,
  userId: string,
  options: { limit: number; unreadOnly?: boolean; before?: NotificationCursor },
): Promise<{ data: NotificationView[]; unread: number; nextCursor: string | null; hasMore: boolean }> {
  const conditions = [eq(notifications.userId, userId)];
  if (options.unreadOnly) conditions.push(isNull(notifications.readAt));
  if (options.before) conditions.push(sql`(${notifications.createdAt}, ${notifications.id}) < (${options.before.createdAt}::timestamptz, ${options.before.id})`);
  const [rows, unread] = await Promise.all([
    db
      .select({ row: notifications, createdAtText: sql<string>`to_char(${notifications.createdAt} at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US"+00"')` })
      .from(notifications)
      .where(and(...conditions))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(options.limit + 1),
    unreadCount(db, userId),
  ]);
  const page = pageOf(rows, options.limit, ({ row, createdAtText }) => [createdAtText, row.id]);
  return { ...page, data: page.data.map(({ row }) => toNotificationView(row)), unread };
}

export async function unreadCount(db: Queryable, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks the given notifications (only the caller's) or all of them read; returns the ids that changed. */
export async function markRead(db: Queryable, userId: string, target: { ids: string[] } | { all: true }, now = new Date()): Promise<string[]> {
  const which = "all" in target ? undefined : inArray(notifications.id, target.ids);
  const rows = await db
    .update(notifications)
    .set({ readAt: now, updatedAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), which))
    .returning({ id: notifications.id });
  return rows.map((row) => row.id);
}
