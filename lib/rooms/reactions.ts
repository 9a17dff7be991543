import { and, eq, isNull, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Database, Tx } from "@/lib/db/client";
import { roomMessages, roomReactions } from "@/lib/db/schema/rooms";
import { AppError } from "@/lib/http/errors";
import { assertWritable, lockMembership } from "@/lib/rooms/access";
import { logChanges, publishEvents, takePositions } from "@/lib/rooms/changes";
import { inRoomOrder } from "@/lib/rooms/room-queue";
import { messageNotFound } from "@/lib/rooms/edit-message";
import type { ReactionCount, RoomEvent } from "@/lib/rooms/schemas";
import { reactionCounts } from "@/lib/rooms/views";

/** Distinct emoji one person may put on one message. */
export const MAX_REACTIONS_PER_USER = 20;

export type ReactionResult = { messageId: string; reactions: ReactionCount[]; changed: boolean };

/**
 * Adds or removes the caller's reaction. Every member may react, observers
 * included. A reaction is unique per (message, user, emoji): adding it twice
 * or removing one that is not there changes nothing and publishes nothing.
 * A real change takes a position, bumps the message's changeSeq and goes
 * out as `reaction:updated` with the per-emoji counts after it.
 */
export async function addReaction(db: Database, actor: Actor, roomId: string, messageId: string, emoji: string): Promise<ReactionResult> {
  return react(db, actor, roomId, messageId, emoji, "added");
}

export async function removeReaction(db: Database, actor: Actor, roomId: string, messageId: string, emoji: string): Promise<ReactionResult> {
  return react(db, actor, roomId, messageId, emoji, "removed");
}

async function react(db: Database, actor: Actor, roomId: string, messageId: string, emoji: string, op: "added" | "removed"): Promise<ReactionResult> {
  const outcome = await inRoomOrder(roomId, () => db.transaction(async (tx) => {
    const membership = await lockMembership(tx, roomId, actor.userId);
    assertWritable(membership.room);
    const [message] = await tx
      .select({ id: roomMessages.id })
      .from(roomMessages)
      .where(and(eq(roomMessages.id, messageId), eq(roomMessages.roomId, roomId), isNull(roomMessages.deletedAt)));
    if (!message) throw messageNotFound();

    const changed = op === "added" ? await insertReaction(tx, roomId, messageId, actor.userId, emoji) : await deleteReaction(tx, messageId, actor.userId, emoji);
    const counts = (await reactionCounts(tx, [messageId])).get(messageId) ?? [];
    if (!changed) return { result: { messageId, reactions: counts, changed: false }, events: [] as RoomEvent[] };

    const { position } = await takePositions(tx, roomId, 0, 1);
    await tx.update(roomMessages).set({ changeSeq: position }).where(eq(roomMessages.id, messageId));
    // The counts as of this change are kept with it, so a resumed client replays the same numbers it would have seen live.
    await logChanges(tx, roomId, [{ position, kind: "reaction:updated", messageId, actorId: actor.userId, data: { emoji, userId: actor.userId, op, reactions: counts } }]);
    const event: RoomEvent = { type: "reaction:updated", roomId, position, messageId, userId: actor.userId, emoji, op, reactions: counts };
    return { result: { messageId, reactions: counts, changed: true }, events: [event] };
  }));
  publishEvents(outcome.events);
  return outcome.result;
}

async function insertReaction(tx: Tx, roomId: string, messageId: string, userId: string, emoji: string): Promise<boolean> {
  const [mine] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(roomReactions)
    .where(and(eq(roomReactions.messageId, messageId), eq(roomReactions.userId, userId)));
  const inserted = await tx.insert(roomReactions).values({ messageId, userId, emoji, roomId }).onConflictDoNothing().returning({ emoji: roomReactions.emoji });
  if (inserted.length > 0 && mine!.count >= MAX_REACTIONS_PER_USER) {
    throw new AppError("conflict", `You can put at most ${MAX_REACTIONS_PER_USER} different reactions on one message`);
  }
  return inserted.length > 0;
}

async function deleteReaction(tx: Tx, messageId: string, userId: string, emoji: string): Promise<boolean> {
  const deleted = await tx
    .delete(roomReactions)
    .where(and(eq(roomReactions.messageId, messageId), eq(roomReactions.userId, userId), eq(roomReactions.emoji, emoji)))
    .returning({ emoji: roomReactions.emoji });
  return deleted.length > 0;
}
