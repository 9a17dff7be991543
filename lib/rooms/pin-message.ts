import { and, eq, isNull, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Database } from "@/lib/db/client";
import { roomMessages } from "@/lib/db/schema/rooms";
import { assertCanPost, assertWritable, lockMembership } from "@/lib/rooms/access";
import { logChanges, publishEvents, takePositions } from "@/lib/rooms/changes";
import { inRoomOrder } from "@/lib/rooms/room-queue";
import { messageNotFound } from "@/lib/rooms/edit-message";
import type { MessageView } from "@/lib/rooms/schemas";
import { messageColumns, messageViews } from "@/lib/rooms/views";

/**
 * Pins a message to the room's timeline, or unpins it. Members who can post
 * can pin; pinning what is already pinned changes nothing.
 */
export async function pinMessage(db: Database, actor: Actor, roomId: string, messageId: string, pinned: boolean): Promise<MessageView> {
  const outcome = await inRoomOrder(roomId, () => db.transaction(async (tx) => {
    const membership = await lockMembership(tx, roomId, actor.userId);
    assertWritable(membership.room);
    assertCanPost(membership);
    const [current] = await tx
      .select(messageColumns)
      .from(roomMessages)
      .where(and(eq(roomMessages.id, messageId), eq(roomMessages.roomId, roomId), isNull(roomMessages.deletedAt)));
    if (!current) throw messageNotFound();
    if (current.pinned === pinned) return { view: (await messageViews(tx, [current]))[0]!, changed: false };
    const { position } = await takePositions(tx, roomId, 0, 1);
    const [row] = await tx
      .update(roomMessages)
      .set({ pinned, pinnedAt: pinned ? sql`now()` : null, pinnedBy: pinned ? actor.userId : null, changeSeq: position, updatedAt: sql`now()` })
      .where(eq(roomMessages.id, messageId))
      .returning(messageColumns);
    await logChanges(tx, roomId, [{ position, kind: "message:pinned", messageId, actorId: actor.userId }]);
    return { view: (await messageViews(tx, [row!]))[0]!, changed: true };
  }));
  if (outcome.changed) publishEvents([{ type: "message:pinned", roomId, position: outcome.view.changeSeq, message: outcome.view }]);
  return outcome.view;
}
