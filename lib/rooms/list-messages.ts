import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Queryable } from "@/lib/db/client";
import { roomMessages } from "@/lib/db/schema/rooms";
import { findMembership } from "@/lib/rooms/access";
import { decodeListCursor, encodeListCursor } from "@/lib/rooms/cursor";
import type { listMessagesQuery, MessageView, timelineQuery } from "@/lib/rooms/schemas";
import { messageColumns, messageViews } from "@/lib/rooms/views";

export type MessagePage = { data: MessageView[]; nextCursor: string | null; hasMore: boolean };

/**
 * A room's messages by seq, always oldest first within a page.
 * - `afterSeq=N`: the messages after N (catching up forwards); the cursor continues forwards.
 * - `beforeSeq=N`: the messages before N (scrolling back); the cursor continues backwards.
 * - neither: the latest page; the cursor continues backwards.
 * Deleted messages are included as placeholders so seq stays gap-free.
 */
export async function listMessages(db: Queryable, actor: Actor, roomId: string, query: z.output<typeof listMessagesQuery>): Promise<MessagePage> {
  await findMembership(db, roomId, actor.userId);
  let afterSeq = query.afterSeq;
  let beforeSeq = query.beforeSeq;
  if (query.cursor) {
    const cursor = decodeListCursor(query.cursor, { d: "string", s: "number" });
    if (cursor.d === "a") afterSeq = cursor.s;
    else beforeSeq = cursor.s;
  }
  const forwards = afterSeq !== undefined;
  const rows = await db
    .select(messageColumns)
    .from(roomMessages)
    .where(and(eq(roomMessages.roomId, roomId), forwards ? gt(roomMessages.seq, afterSeq!) : beforeSeq !== undefined ? lt(roomMessages.seq, beforeSeq) : undefined))
    .orderBy(forwards ? asc(roomMessages.seq) : desc(roomMessages.seq))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (!forwards) page.reverse();
  const data = await messageViews(db, page);
  const edge = forwards ? data.at(-1) : data[0];
  return { data, hasMore, nextCursor: hasMore && edge ? encodeListCursor({ d: forwards ? "a" : "b", s: edge.seq }) : null };
}

const TIMELINE_EVENTS = ["room_created", "status_changed", "severity_changed", "commander_changed", "archived", "unarchived"];

/**
 * The incident's timeline: its key system events (opened, status, severity,
 * command, archiving) and the messages members pinned, by seq.
 */
export async function listTimeline(db: Queryable, actor: Actor, roomId: string, query: z.output<typeof timelineQuery>): Promise<MessagePage> {
  await findMembership(db, roomId, actor.userId);
  const afterSeq = query.cursor ? decodeListCursor(query.cursor, { d: "string", s: "number" }).s : query.afterSeq;
  const rows = await db
    .select(messageColumns)
    .from(roomMessages)
    .where(
      and(
        eq(roomMessages.roomId, roomId),
        isNull(roomMessages.deletedAt),
        or(eq(roomMessages.pinned, true), and(eq(roomMessages.type, "system"), inArray(sql`${roomMessages.data}->>'event'`, TIMELINE_EVENTS))),
        // The same predicate as room_messages_timeline_idx, so the planner can use that partial index.
        sql`(${roomMessages.pinned} or ${roomMessages.type} = 'system')`,
        afterSeq !== undefined ? gt(roomMessages.seq, afterSeq) : undefined,
      ),
    )
    .orderBy(asc(roomMessages.seq))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const data = await messageViews(db, rows.slice(0, query.limit));
  return { data, hasMore, nextCursor: hasMore ? encodeListCursor({ d: "a", s: data.at(-1)!.seq }) : null };
}
