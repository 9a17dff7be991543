import { asc, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { roomMessages, roomReactions, rooms } from "@/lib/db/schema/rooms";
import type { MessageView, ReactionCount, RoomView } from "@/lib/rooms/schemas";

/** Row → view mapping. Views are what the API, the sockets and resume send. */
export type RoomRow = typeof rooms.$inferSelect;
export type MessageRow = typeof roomMessages.$inferSelect;
export type MessageRowLite = Omit<MessageRow, "search">;

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toRoomView(row: RoomRow): RoomView {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    commanderId: row.commanderId,
    createdBy: row.createdBy,
    archived: row.archivedAt !== null,
    archivedAt: iso(row.archivedAt),
    lastSeq: row.lastSeq,
    position: row.lastPosition,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * A deleted message keeps its place (id, seq, author, time) and loses its
 * content, data, mentions and reactions: everyone sees a placeholder, and
 * nothing deleted reaches a client again, live or on resume.
 */
export function toMessageView(row: MessageRowLite, reactions: ReactionCount[] = []): MessageView {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    roomId: row.roomId,
    seq: row.seq,
    authorId: row.authorId,
    clientId: row.clientId,
    type: row.type,
    content: deleted ? "" : row.content,
    data: deleted ? null : ((row.data as Record<string, unknown> | null) ?? null),
    mentions: deleted ? [] : row.mentions,
    pinned: row.pinned,
    pinnedAt: iso(row.pinnedAt),
    pinnedBy: row.pinnedBy,
    editedAt: iso(row.editedAt),
    deleted,
    deletedAt: iso(row.deletedAt),
    reactions: deleted ? [] : reactions,
    changeSeq: row.changeSeq,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Columns of room_messages without the search vector (never sent anywhere). */
export const messageColumns = {
  id: roomMessages.id,
  roomId: roomMessages.roomId,
  seq: roomMessages.seq,
  authorId: roomMessages.authorId,
  clientId: roomMessages.clientId,
  type: roomMessages.type,
  content: roomMessages.content,
  data: roomMessages.data,
  mentions: roomMessages.mentions,
  pinned: roomMessages.pinned,
  pinnedAt: roomMessages.pinnedAt,
  pinnedBy: roomMessages.pinnedBy,
  editedAt: roomMessages.editedAt,
  deletedAt: roomMessages.deletedAt,
  deletedBy: roomMessages.deletedBy,
  changeSeq: roomMessages.changeSeq,
  createdAt: roomMessages.createdAt,
  updatedAt: roomMessages.updatedAt,
};

/** Per-emoji counts for each message, in the order the emoji first appeared. */
export async function reactionCounts(db: Queryable, messageIds: string[]): Promise<Map<string, ReactionCount[]>> {
  const out = new Map<string, ReactionCount[]>();
  if (messageIds.length === 0) return out;
  const rows = await db
    .select({
      messageId: roomReactions.messageId,
      emoji: roomReactions.emoji,
      count: sql<number>`count(*)::int`,
      userIds: sql<string[]>`array_agg(${roomReactions.userId} order by ${roomReactions.createdAt}, ${roomReactions.userId})`,
    })
    .from(roomReactions)
    .where(inArray(roomReactions.messageId, messageIds))
    .groupBy(roomReactions.messageId, roomReactions.emoji)
    .orderBy(asc(sql`min(${roomReactions.createdAt})`), asc(roomReactions.emoji));
  for (const row of rows) {
    const list = out.get(row.messageId) ?? [];
    list.push({ emoji: row.emoji, count: row.count, userIds: row.userIds });
    out.set(row.messageId, list);
  }
  return out;
}

/** Views for message rows, with their reactions, in the rows' order. */
export async function messageViews(db: Queryable, rows: MessageRowLite[]): Promise<MessageView[]> {
  const reactions = await reactionCounts(
    db,
    rows.filter((row) => row.deletedAt === null).map((row) => row.id),
  );
  return rows.map((row) => toMessageView(row, reactions.get(row.id) ?? []));
}
