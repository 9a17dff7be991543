import { and, count, desc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { notifications } from "@/lib/db/schema/notifications";

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

/** The user's notifications, newest first, keyset-paged by (createdAt, id). */
export async function listNotifications(
  db: Queryable,
  userId: string,
  options: { limit: number; unreadOnly?: boolean; before?: { createdAt: Date; id: string } },
): Promise<{ data: NotificationView[]; unread: number; nextCursor: string | null }> {
  const conditions = [eq(notifications.userId, userId)];
  if (options.unreadOnly) conditions.push(isNull(notifications.readAt));
  if (options.before) {
    conditions.push(or(lt(notifications.createdAt, options.before.createdAt), and(eq(notifications.createdAt, options.before.createdAt), lt(notifications.id, options.before.id)))!);
  }
  const [rows, unread] = await Promise.all([
    db.select().from(notifications).where(and(...conditions)).orderBy(desc(notifications.createdAt), desc(notifications.id)).limit(options.limit + 1),
    unreadCount(db, userId),
  ]);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > options.limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString("base64url") : null;
  return { data: page.map(toNotificationView), unread, nextCursor };
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  return id && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : null;
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
