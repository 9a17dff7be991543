import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { messages } from "@/lib/db/schema/inbox";
import { pageOf } from "@/lib/http/list-cursor";
import { cursorParts } from "@/lib/messages/list";
import type { MessageView } from "@/lib/messages/schemas";
import { messageColumns, toMessageView } from "@/lib/messages/view";

export type Thread = { key: string; lastMessage: MessageView; messageCount: number; unreadCount: number; lastReceivedAt: string };

/**
 * Conversations: live messages grouped by counterpart, that is the thread
 * key when the sender gave one, else the sender. Most recent first, with
 * message and unread counts and the latest message of each.
 */
export async function listThreads(
  db: Queryable,
  userId: string,
  query: { device?: string; limit: number; cursor?: string },
): Promise<{ data: Thread[]; nextCursor: string | null; hasMore: boolean }> {
  const key = sql<string>`coalesce(${messages.threadKey}, ${messages.sender})`;
  const lastAt = sql<string>`max(${messages.receivedAt})`;
  const base = and(eq(messages.userId, userId), isNull(messages.deletedAt), query.device ? eq(messages.deviceId, query.device) : undefined);
  let having;
  if (query.cursor) {
    const [t, k] = cursorParts(query.cursor, ["time", "string"]);
    having = sql`(max(${messages.receivedAt}), ${key}) < (${t}::timestamptz, ${k})`;
  }
  const groups = await db
    .select({
      key,
      // As text with a fixed format, so the cursor round-trips exactly.
      lastAt: sql<string>`to_char(${lastAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      messageCount: sql<number>`count(*)::int`,
      unreadCount: sql<number>`(count(*) filter (where ${messages.readAt} is null))::int`,
    })
    .from(messages)
    .where(base)
    .groupBy(key)
    .having(having)
    .orderBy(desc(lastAt), desc(key))
    .limit(query.limit + 1);
  const page = pageOf(groups, query.limit, (group) => [group.lastAt, group.key]);
  if (page.data.length === 0) return { data: [], nextCursor: null, hasMore: false };

  const latest = await db
    .selectDistinctOn([key], messageColumns)
    .from(messages)
    .where(
      and(
        base,
        inArray(
          key,
          page.data.map((group) => group.key),
        ),
      ),
    )
    .orderBy(key, desc(messages.receivedAt), desc(messages.id));
  const latestByKey = new Map(latest.map((row) => [row.threadKey ?? row.sender, row]));
  return {
    ...page,
    data: page.data.flatMap((group) => {
      const row = latestByKey.get(group.key);
      return row ? [{ key: group.key, lastMessage: toMessageView(row), messageCount: group.messageCount, unreadCount: group.unreadCount, lastReceivedAt: group.lastAt }] : [];
    }),
  };
}
