import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Queryable } from "@/lib/db/client";
import { roomMembers, roomMessages, rooms } from "@/lib/db/schema/rooms";
import { findMembership } from "@/lib/rooms/access";
import { decodeListCursor, encodeListCursor } from "@/lib/rooms/cursor";
import type { SearchHit, searchQuery } from "@/lib/rooms/schemas";
import { messageColumns, messageViews } from "@/lib/rooms/views";

/**
 * Full-text search over room messages (Postgres FTS on the generated
 * `search` column, GIN-indexed), newest first. Queries use web search
 * syntax: words, "quoted phrases", -exclusions, or. Deleted messages never
 * match. Within one room, or across every room the caller is a member of
 * (membership is part of the query, so nobody finds another room's text).
 */
export async function searchMessages(
  db: Queryable,
  actor: Actor,
  query: z.output<typeof searchQuery>,
  roomId?: string,
): Promise<{ data: SearchHit[]; nextCursor: string | null; hasMore: boolean }> {
  if (roomId) await findMembership(db, roomId, actor.userId);
  const before = query.cursor ? decodeListCursor(query.cursor, { i: "string" }).i : undefined;
  const tsquery = sql`websearch_to_tsquery('english'::regconfig, ${query.q})`;
  const rows = await db
    .select({ ...messageColumns, roomTitle: rooms.title, rank: sql<number>`ts_rank(${roomMessages.search}, ${tsquery})::float8` })
    .from(roomMessages)
    .innerJoin(roomMembers, and(eq(roomMembers.roomId, roomMessages.roomId), eq(roomMembers.userId, actor.userId)))
    .innerJoin(rooms, eq(rooms.id, roomMessages.roomId))
    .where(
      and(
        sql`${roomMessages.search} @@ ${tsquery}`,
        isNull(roomMessages.deletedAt),
        roomId ? eq(roomMessages.roomId, roomId) : undefined,
        before ? lt(roomMessages.id, before) : undefined,
      ),
    )
    // Message ids are time-ordered: newest first, and a stable keyset for the cursor.
    .orderBy(desc(roomMessages.id))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const views = await messageViews(db, page);
  const data = views.map((view, i) => ({ ...view, roomTitle: page[i]!.roomTitle, rank: page[i]!.rank }));
  return { data, hasMore, nextCursor: hasMore ? encodeListCursor({ i: data.at(-1)!.id }) : null };
}
