import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Database } from "@/lib/db/client";
import { roomMessages } from "@/lib/db/schema/rooms";
import { AppError } from "@/lib/http/errors";
import { assertWritable, isHubAdmin, lockMembership } from "@/lib/rooms/access";
import { logChanges, publishEvents, takePositions } from "@/lib/rooms/changes";
import { inRoomOrder } from "@/lib/rooms/room-queue";
import { messageNotFound } from "@/lib/rooms/edit-message";
import type { MessageView } from "@/lib/rooms/schemas";
import { messageColumns, toMessageView } from "@/lib/rooms/views";

/**
 * Soft-deletes a message: its author, the room's commander or an admin.
 * The row stays (seq, author and time keep the conversation's shape) but
 * its content is never served again; everyone sees a placeholder, unpinned
 * from the timeline if it was pinned. Deleting twice is not an error and
 * changes nothing. System messages are the incident's record and cannot be
 * deleted.
 */
export async function deleteMessage(db: Database, actor: Actor, roomId: string, messageId: string): Promise<MessageView> {
  const outcome = await inRoomOrder(roomId, () => db.transaction(async (tx) => {
    const membership = await lockMembership(tx, roomId, actor.userId);
    assertWritable(membership.room);
    const [current] = await tx
      .select(messageColumns)
      .from(roomMessages)
      .where(and(eq(roomMessages.id, messageId), eq(roomMessages.roomId, roomId)));
    if (!current) throw messageNotFound();
    if (current.deletedAt) return { view: toMessageView(current), changed: false };
    if (current.type === "system") throw new AppError("forbidden", "System messages are part of the incident's record and cannot be deleted");
    if (current.authorId !== actor.userId && membership.role !== "commander" && !isHubAdmin(actor)) {
      throw new AppError("forbidden", "Only the author, the commander or an admin can delete this message");
    }
    const { position } = await takePositions(tx, roomId, 0, 1);
    const [row] = await tx
      .update(roomMessages)
      .set({ deletedAt: sql`now()`, deletedBy: actor.userId, pinned: false, pinnedAt: null, pinnedBy: null, changeSeq: position, updatedAt: sql`now()` })
      .where(eq(roomMessages.id, messageId))
      .returning(messageColumns);
    await logChanges(tx, roomId, [{ position, kind: "message:deleted", messageId, actorId: actor.userId }]);
    return { view: toMessageView(row!), changed: true };
  }));
  if (outcome.changed) publishEvents([{ type: "message:deleted", roomId, position: outcome.view.changeSeq, message: outcome.view }]);
  return outcome.view;
}
