import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Queryable, Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { roomChanges, roomMessages, rooms } from "@/lib/db/schema/rooms";
import { publish } from "@/lib/realtime/publish";
import { findMembership } from "@/lib/rooms/access";
import type { JoinResult, MessageView, ReactionCount, RoomEvent, RoomEventType } from "@/lib/rooms/schemas";
import { messageColumns, messageViews, toMessageView, toRoomView, type MessageRowLite } from "@/lib/rooms/views";

/**
 * The room's two counters and its change log.
 *
 * rooms.last_seq numbers messages; rooms.last_position numbers changes. Both
 * are bumped by an UPDATE inside the writing transaction, after that
 * transaction has locked the room row (lockMembership), so a room's writers
 * run one after another: numbers are dense (a rollback also rolls the
 * counter back) and become visible in order. A reader that has applied
 * position N can therefore ask for `position > N` and never miss a change
 * that commits later with a smaller number.
 */
export async function takePositions(tx: Tx, roomId: string, messages: number, changes: number): Promise<{ seq: number; position: number }> {
  const [row] = await tx
    .update(rooms)
    .set({
      lastSeq: sql`${rooms.lastSeq} + ${messages}`,
      lastPosition: sql`${rooms.lastPosition} + ${changes}`,
      updatedAt: sql`now()`,
    })
    .where(eq(rooms.id, roomId))
    .returning({ lastSeq: rooms.lastSeq, lastPosition: rooms.lastPosition });
  return { seq: row!.lastSeq - messages + 1, position: row!.lastPosition - changes + 1 };
}

export type ChangeEntry = { position: number; kind: RoomEventType; messageId?: string; actorId: string; data?: Record<string, unknown> };

export async function logChanges(tx: Tx, roomId: string, entries: ChangeEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(roomChanges).values(
    entries.map((entry) => ({ roomId, position: entry.position, kind: entry.kind, messageId: entry.messageId ?? null, actorId: entry.actorId, data: entry.data ?? null })),
  );
}

/**
 * Writes timeline entries (status changes, members joining…) as system
 * messages at the given seq and positions. Returns their views.
 */
export async function insertSystemMessages(
  tx: Tx,
  roomId: string,
  actorId: string,
  items: Array<{ content: string; data: Record<string, unknown> }>,
  first: { seq: number; position: number },
): Promise<MessageView[]> {
  if (items.length === 0) return [];
  const rows = await tx
    .insert(roomMessages)
    .values(
      items.map((item, i) => ({
        id: newId("rmsg"),
        roomId,
        seq: first.seq + i,
        authorId: actorId,
        type: "system" as const,
        content: item.content,
        data: item.data,
        changeSeq: first.position + i,
      })),
    )
    .returning(messageColumns);
  rows.sort((a, b) => a.seq - b.seq);
  await logChanges(
    tx,
    roomId,
    rows.map((row) => ({ position: row.changeSeq, kind: "message:new", messageId: row.id, actorId })),
  );
  return rows.map((row) => toMessageView(row));
}

/** Sends committed changes to the room's sockets. Call only after the transaction commits. */
export function publishEvents(events: RoomEvent[]): void {
  for (const event of [...events].sort((a, b) => a.position - b.position)) publish(`room:${event.roomId}`, event.type, event);
}

export const RESUME_PAGE_CHANGES = 500;
/** Roughly how much one resume page may carry; a page always holds at least one change. */
export const RESUME_PAGE_BYTES = 1024 * 1024;

/**
 * The changes after `after`, oldest first, read from the database: what a
 * client that last applied position `after` has missed, however long ago
 * and whichever instance it was connected to. Message payloads are the
 * messages' current state (a deleted one is a tombstone). Pages by count and
 * size; `hasMore` means join again with lastSeq = position.
 */
export async function listChanges(
  db: Queryable,
  userId: string,
  roomId: string,
  after: number,
  options: { limit?: number; maxBytes?: number } = {},
): Promise<Pick<JoinResult, "room" | "role" | "missed" | "hasMore" | "position">> {
  const { room, role } = await findMembership(db, roomId, userId);
  const limit = options.limit ?? RESUME_PAGE_CHANGES;
  const maxBytes = options.maxBytes ?? RESUME_PAGE_BYTES;
  const rows = await db
    .select()
    .from(roomChanges)
    .where(and(eq(roomChanges.roomId, roomId), gt(roomChanges.position, after)))
    .orderBy(asc(roomChanges.position))
    .limit(limit + 1);
  let hasMore = rows.length > limit;
  const page = rows.slice(0, limit);

  const messageIds = [...new Set(page.flatMap((row) => (row.messageId ? [row.messageId] : [])))];
  const messageRows: MessageRowLite[] =
    messageIds.length === 0
      ? []
      : await db
          .select(messageColumns)
          .from(roomMessages)
          .where(and(eq(roomMessages.roomId, roomId), inArray(roomMessages.id, messageIds)));
  const views = new Map((await messageViews(db, messageRows)).map((view) => [view.id, view]));
  const roomView = toRoomView(room);

  const missed: RoomEvent[] = [];
  let bytes = 0;
  for (const row of page) {
    const event = toEvent(row, views, roomView);
    if (!event) continue;
    const size = JSON.stringify(event).length;
    if (missed.length > 0 && bytes + size > maxBytes) {
      hasMore = true;
      break;
    }
    bytes += size;
    missed.push(event);
  }
  // A client ahead of the room (its history was restored from an older backup) is told where the room stands.
  const position = missed.at(-1)?.position ?? Math.min(after, room.lastPosition);
  return { room: roomView, role, missed, hasMore, position };
}

function toEvent(row: typeof roomChanges.$inferSelect, views: Map<string, MessageView>, room: ReturnType<typeof toRoomView>): RoomEvent | undefined {
  const base = { roomId: row.roomId, position: row.position };
  const data = (row.data ?? {}) as Record<string, unknown>;
  switch (row.kind) {
    case "message:new":
    case "message:edited":
    case "message:deleted":
    case "message:pinned": {
      const message = row.messageId ? views.get(row.messageId) : undefined;
      return message ? { ...base, type: row.kind, message } : undefined;
    }
    case "reaction:updated":
      return {
        ...base,
        type: "reaction:updated",
        messageId: row.messageId ?? "",
        userId: String(data.userId ?? row.actorId ?? ""),
        emoji: String(data.emoji ?? ""),
        op: data.op === "removed" ? "removed" : "added",
        reactions: (data.reactions as ReactionCount[] | undefined) ?? [],
      };
    case "room:updated":
      return { ...base, type: "room:updated", room, changed: (data.changed as string[] | undefined) ?? [] };
    default:
      return undefined;
  }
}
