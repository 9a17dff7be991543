import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Queryable } from "@/lib/db/client";
import { roomMembers } from "@/lib/db/schema/rooms";
import { findMembership } from "@/lib/rooms/access";

/**
 * Moves the caller's read mark forward to `seq` (never back, never past the
 * room's last message). Returns the new mark.
 */
export async function markRead(db: Queryable, actor: Actor, roomId: string, seq: number): Promise<{ lastReadSeq: number }> {
  const { room } = await findMembership(db, roomId, actor.userId);
  const target = Math.min(seq, room.lastSeq);
  const [row] = await db
    .update(roomMembers)
    .set({ lastReadSeq: sql`greatest(${roomMembers.lastReadSeq}, ${target})`, updatedAt: new Date() })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, actor.userId)))
    .returning({ lastReadSeq: roomMembers.lastReadSeq });
  return { lastReadSeq: row?.lastReadSeq ?? 0 };
}
