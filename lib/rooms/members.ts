import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Database } from "@/lib/db/client";
import { roomMembers } from "@/lib/db/schema/rooms";
import { AppError } from "@/lib/http/errors";
import { getRealtimeServer, publish } from "@/lib/realtime/publish";
import { assertCanManage, assertWritable, lockMembership } from "@/lib/rooms/access";
import { insertSystemMessages, publishEvents, takePositions } from "@/lib/rooms/changes";
import { inRoomOrder } from "@/lib/rooms/room-queue";
import { findActiveUserBy, listMembers, userNames } from "@/lib/rooms/people";
import { presenceDropUser } from "@/lib/rooms/presence";
import type { addMemberSchema, MemberView, RoomEvent } from "@/lib/rooms/schemas";

/**
 * Adds a member, or changes a member's role. The commander and the scribe
 * manage members. Joining, leaving and role changes are timeline entries.
 * Returns the member and whether they were added (false: already there).
 */
export async function addMember(db: Database, actor: Actor, roomId: string, input: z.output<typeof addMemberSchema>): Promise<{ member: MemberView; created: boolean }> {
  const outcome = await inRoomOrder(roomId, () => db.transaction(async (tx) => {
    const membership = await lockMembership(tx, roomId, actor.userId);
    assertWritable(membership.room);
    assertCanManage(membership, actor);
    const user = await findActiveUserBy(tx, { userId: input.userId, email: input.email });
    if (!user) throw new AppError("not_found", input.email ? "No active user has that email" : "User not found");

    const [existing] = await tx
      .select({ role: roomMembers.role })
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, user.id)));
    if (existing?.role === input.role) return { created: false, events: [] as RoomEvent[], userId: user.id };
    if (existing?.role === "commander") throw new AppError("conflict", "This member is the commander; hand over command with PATCH commanderId first");

    const names = await userNames(tx, [actor.userId]);
    const who = names.get(actor.userId) ?? "Someone";
    const first = await takePositions(tx, roomId, 1, 1);
    if (existing) {
      await tx
        .update(roomMembers)
        .set({ role: input.role, updatedAt: new Date() })
        .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, user.id)));
    } else {
      await tx.insert(roomMembers).values({ roomId, userId: user.id, role: input.role });
    }
    const [message] = await insertSystemMessages(
      tx,
      roomId,
      actor.userId,
      [
        existing
          ? { content: `${who} made ${user.name} ${article(input.role)} ${input.role}`, data: { event: "member_role_changed", userId: user.id, from: existing.role, to: input.role } }
          : { content: `${who} added ${user.name} as ${input.role}`, data: { event: "member_added", userId: user.id, role: input.role } },
      ],
      first,
    );
    return { created: !existing, events: [{ type: "message:new" as const, roomId, position: message!.changeSeq, message: message! }], userId: user.id };
  }));
  publishEvents(outcome.events);
  const member = (await listMembers(db, roomId)).find((m) => m.userId === outcome.userId);
  if (!member) throw new AppError("not_found", "User not found");
  return { member, created: outcome.created };
}

/**
 * Removes a member. Anyone may leave; the commander and the scribe may
 * remove others. The commander must hand over command before leaving. The
 * removed member's sockets leave the room at once, on every instance.
 */
export async function removeMember(db: Database, actor: Actor, roomId: string, userId: string): Promise<void> {
  const events = await inRoomOrder(roomId, () => db.transaction(async (tx) => {
    const membership = await lockMembership(tx, roomId, actor.userId);
    assertWritable(membership.room);
    const self = userId === actor.userId;
    if (!self) assertCanManage(membership, actor);
    const [target] = await tx
      .select({ role: roomMembers.role })
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    if (!target) throw new AppError("not_found", "That user is not a member of this room");
    if (target.role === "commander") throw new AppError("conflict", "The commander cannot leave; hand over command with PATCH commanderId first");

    await tx.delete(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    const names = await userNames(tx, [actor.userId, userId]);
    const first = await takePositions(tx, roomId, 1, 1);
    const [message] = await insertSystemMessages(
      tx,
      roomId,
      actor.userId,
      [
        self
          ? { content: `${names.get(userId) ?? "A member"} left the room`, data: { event: "member_removed", userId, self: true } }
          : { content: `${names.get(actor.userId) ?? "Someone"} removed ${names.get(userId) ?? "a member"} from the room`, data: { event: "member_removed", userId, self: false } },
      ],
      first,
    );
    return [{ type: "message:new" as const, roomId, position: message!.changeSeq, message: message! }];
  }));
  publishEvents(events);
  // Membership is checked on every send, so this only stops live delivery and presence sooner.
  getRealtimeServer()?.in(`user:${userId}`).socketsLeave(`room:${roomId}`);
  const presence = await presenceDropUser(roomId, userId);
  if (presence.changed) publish(`room:${roomId}`, "presence", { roomId, userId, status: "offline", online: presence.online });
}

function article(role: string): string {
  return /^[aeiou]/.test(role) ? "an" : "a";
}
