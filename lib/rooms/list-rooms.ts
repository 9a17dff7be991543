import { and, desc, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Queryable } from "@/lib/db/client";
import { roomMembers, rooms } from "@/lib/db/schema/rooms";
import { roomNotFound } from "@/lib/rooms/access";
import { decodeListCursor, encodeListCursor } from "@/lib/rooms/cursor";
import { listMembers } from "@/lib/rooms/people";
import type { listRoomsQuery, RoomDetail, RoomSummary } from "@/lib/rooms/schemas";
import { toRoomView } from "@/lib/rooms/views";

/** Messages by others, not deleted, above the member's read mark. */
function unreadCount(userId: string) {
  return sql<number>`(select count(*)::int from room_messages m where m.room_id = ${rooms.id} and m.seq > ${roomMembers.lastReadSeq} and m.author_id <> ${userId} and m.deleted_at is null)`;
}

/** The caller's rooms, newest first (room ids are time-ordered), with unread counts. */
export async function listRooms(db: Queryable, actor: Actor, query: z.output<typeof listRoomsQuery>): Promise<{ data: RoomSummary[]; nextCursor: string | null; hasMore: boolean }> {
  const after = query.cursor ? decodeListCursor(query.cursor, { i: "string" }).i : undefined;
  const rows = await db
    .select({ room: rooms, role: roomMembers.role, lastReadSeq: roomMembers.lastReadSeq, unreadCount: unreadCount(actor.userId) })
    .from(roomMembers)
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(
      and(
        eq(roomMembers.userId, actor.userId),
        query.archived === "true" ? isNotNull(rooms.archivedAt) : query.archived === "false" ? isNull(rooms.archivedAt) : undefined,
        query.status ? eq(rooms.status, query.status) : undefined,
        after ? lt(roomMembers.roomId, after) : undefined,
      ),
    )
    .orderBy(desc(roomMembers.roomId))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const data = rows.slice(0, query.limit).map((row) => ({ ...toRoomView(row.room), role: row.role, lastReadSeq: row.lastReadSeq, unreadCount: row.unreadCount }));
  return { data, hasMore, nextCursor: hasMore ? encodeListCursor({ i: data.at(-1)!.id }) : null };
}

/** One room as the caller sees it, with its members. Non-members get a 404. */
export async function getRoom(db: Queryable, actor: Actor, roomId: string): Promise<RoomDetail> {
  const [row] = await db
    .select({ room: rooms, role: roomMembers.role, lastReadSeq: roomMembers.lastReadSeq, unreadCount: unreadCount(actor.userId) })
    .from(roomMembers)
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(and(eq(roomMembers.userId, actor.userId), eq(roomMembers.roomId, roomId)));
  if (!row) throw roomNotFound();
  return { ...toRoomView(row.room), role: row.role, lastReadSeq: row.lastReadSeq, unreadCount: row.unreadCount, members: await listMembers(db, roomId) };
}
