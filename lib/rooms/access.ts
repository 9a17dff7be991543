import { and, eq } from "drizzle-orm";
import { hasScopes, type Actor } from "@/lib/auth/actor";
import type { Queryable, Tx } from "@/lib/db/client";
import { roomMembers, rooms } from "@/lib/db/schema/rooms";
import { AppError } from "@/lib/http/errors";
import type { RoomRole } from "@/lib/rooms/schemas";
import type { RoomRow } from "@/lib/rooms/views";

/**
 * Who may do what in a room. Every read and write starts here: a room the
 * caller is not a member of does not exist for them (404, even for admins),
 * and the role decides the rest.
 */
export type Membership = { room: RoomRow; role: RoomRole };

export const roomNotFound = () => new AppError("not_found", "Room not found");

/** The caller's membership, without locking. Non-members get a 404. */
export async function findMembership(db: Queryable, roomId: string, userId: string): Promise<Membership> {
  const [row] = await db
    .select({ room: rooms, role: roomMembers.role })
    .from(rooms)
    .innerJoin(roomMembers, and(eq(roomMembers.roomId, rooms.id), eq(roomMembers.userId, userId)))
    .where(eq(rooms.id, roomId))
    .limit(1);
  if (!row) throw roomNotFound();
  return row;
}

/**
 * Locks the room row for the rest of the transaction, then reads the
 * caller's membership. Every write to a room takes this lock first: it
 * serialises the room's writers (so seq and positions commit in order) and
 * the membership read after it sees any removal that committed before.
 */
export async function lockMembership(tx: Tx, roomId: string, userId: string): Promise<Membership> {
  const room = await lockRoom(tx, roomId);
  const [member] = await tx
    .select({ role: roomMembers.role })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  if (!member) throw roomNotFound();
  return { room, role: member.role };
}

/**
 * Takes the room's row lock (the first step of every write; see
 * lockMembership). A caller that takes it directly must read membership
 * after it, in a later statement.
 */
export async function lockRoom(tx: Tx, roomId: string): Promise<RoomRow> {
  const [room] = await tx.select().from(rooms).where(eq(rooms.id, roomId)).for("update");
  if (!room) throw roomNotFound();
  return room;
}

/** A hub administrator acting with admin rights (a key needs the admin scope). */
export function isHubAdmin(actor: Actor): boolean {
  return actor.role === "admin" && hasScopes(actor, ["admin"]);
}

export function assertWritable(room: RoomRow): void {
  if (room.archivedAt) throw new AppError("conflict", "This room is archived and read-only");
}

export function assertCanPost(membership: Membership): void {
  if (membership.role === "observer") throw new AppError("forbidden", "Observers can read and react in this room but cannot post");
}

/** Status, severity, title, description and members: the commander, the scribe, or an admin. */
export function assertCanManage(membership: Membership, actor: Actor): void {
  if (membership.role === "commander" || membership.role === "scribe" || isHubAdmin(actor)) return;
  throw new AppError("forbidden", "Only the commander or the scribe can change this room");
}

/** Command, archiving, deleting others' messages: the commander or an admin. */
export function assertCommander(membership: Membership, actor: Actor, what: string): void {
  if (membership.role === "commander" || isHubAdmin(actor)) return;
  throw new AppError("forbidden", `Only the commander can ${what}`);
}
