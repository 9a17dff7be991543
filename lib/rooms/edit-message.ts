import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { getConfig } from "@/lib/config/env";
import type { Database, Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { roomMessageEdits, roomMessages } from "@/lib/db/schema/rooms";
import { AppError } from "@/lib/http/errors";
import { recordEvents } from "@/lib/jobs/outbox";
import { assertCanPost, assertWritable, findMembership, lockMembership } from "@/lib/rooms/access";
import { logChanges, publishEvents, takePositions } from "@/lib/rooms/changes";
import { inRoomOrder } from "@/lib/rooms/room-queue";
import { mentionsIn, prepareContent } from "@/lib/rooms/post-message";
import type { editMessageSchema, MessageEdit, MessageView } from "@/lib/rooms/schemas";
import { messageColumns, messageViews } from "@/lib/rooms/views";

export const messageNotFound = () => new AppError("not_found", "Message not found");

/**
 * Edits a message: only its author, only within ROOM_EDIT_WINDOW_MINUTES of
 * posting (measured on the database clock), never a system or deleted
 * message. The replaced content goes to the edit history. Mentions are
 * recomputed, and only members mentioned for the first time are notified.
 */
export async function editMessage(db: Database, actor: Actor, roomId: string, messageId: string, input: z.output<typeof editMessageSchema>): Promise<MessageView> {
  const minutes = getConfig().ROOM_EDIT_WINDOW_MINUTES;
  const outcome = await inRoomOrder(roomId, () => db.transaction(async (tx) => {
    const membership = await lockMembership(tx, roomId, actor.userId);
    assertWritable(membership.room);
    const [current] = await tx
      .select({ ...messageColumns, editable: sql<boolean>`${roomMessages.createdAt} > now() - make_interval(mins => ${minutes})` })
      .from(roomMessages)
      .where(and(eq(roomMessages.id, messageId), eq(roomMessages.roomId, roomId), isNull(roomMessages.deletedAt)));
    if (!current) throw messageNotFound();
    if (current.type === "system") throw new AppError("forbidden", "System messages cannot be edited");
    if (current.authorId !== actor.userId) throw new AppError("forbidden", "Only the author can edit a message");
    assertCanPost(membership);
    if (!current.editable) throw new AppError("forbidden", `Messages can be edited only within ${minutes} minutes of posting`);
    if (current.type === "text" && input.data !== undefined) {
      throw new AppError("validation_failed", "Text messages have no data", { errors: [{ path: "body.data", message: "is only for image_ref, file_ref and incident_data messages" }] });
    }

    const next = prepareContent(current.type, input.content ?? current.content, input.data !== undefined ? input.data : (current.data as Record<string, unknown> | null));
    if (next.content === current.content && JSON.stringify(next.data) === JSON.stringify(current.data)) {
      return { view: (await messageViews(tx, [current]))[0]!, changed: false };
    }
    const mentions = await mentionsIn(tx, roomId, next.content);
    const { position } = await takePositions(tx, roomId, 0, 1);
    await tx.insert(roomMessageEdits).values({
      id: newId("redit"),
      messageId,
      roomId,
      editorId: actor.userId,
      previousContent: current.content,
      previousData: current.data,
      previousMentions: current.mentions,
    });
    const [row] = await tx
      .update(roomMessages)
      .set({ content: next.content, data: next.data, mentions, editedAt: sql`now()`, changeSeq: position, updatedAt: sql`now()` })
      .where(eq(roomMessages.id, messageId))
      .returning(messageColumns);
    await logChanges(tx, roomId, [{ position, kind: "message:edited", messageId, actorId: actor.userId }]);
    const fresh = mentions.filter((userId) => !current.mentions.includes(userId) && userId !== actor.userId);
    await recordEvents(
      tx,
      fresh.map((userId) => ({ type: "room.mention", userId, data: { roomId, messageId, seq: row!.seq, authorId: actor.userId, edited: true } })),
    );
    return { view: (await messageViews(tx, [row!]))[0]!, changed: true };
  }));
  if (outcome.changed) publishEvents([{ type: "message:edited", roomId, position: outcome.view.changeSeq, message: outcome.view }]);
  return outcome.view;
}

/** A message's earlier versions, oldest first. A deleted message has no visible history. */
export async function messageHistory(db: Queryable, actor: Actor, roomId: string, messageId: string): Promise<MessageEdit[]> {
  await findMembership(db, roomId, actor.userId);
  const [message] = await db
    .select({ id: roomMessages.id })
    .from(roomMessages)
    .where(and(eq(roomMessages.id, messageId), eq(roomMessages.roomId, roomId), isNull(roomMessages.deletedAt)));
  if (!message) throw messageNotFound();
  const rows = await db.select().from(roomMessageEdits).where(eq(roomMessageEdits.messageId, messageId)).orderBy(asc(roomMessageEdits.createdAt), asc(roomMessageEdits.id));
  return rows.map((row) => ({
    content: row.previousContent,
    data: (row.previousData as Record<string, unknown> | null) ?? null,
    mentions: row.previousMentions,
    editorId: row.editorId,
    replacedAt: row.createdAt.toISOString(),
  }));
}
