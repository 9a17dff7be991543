import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { roomMembers } from "@/lib/db/schema/rooms";
import { users } from "@/lib/db/schema/users";
import type { MemberView } from "@/lib/rooms/schemas";
import { handleFor } from "@/lib/rooms/text";

/** The people side of a room: member lists with names, and names for timeline entries. */
export async function listMembers(db: Queryable, roomId: string): Promise<MemberView[]> {
  const rows = await db
    .select({ userId: roomMembers.userId, name: users.name, role: roomMembers.role, joinedAt: roomMembers.joinedAt })
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(eq(roomMembers.roomId, roomId))
    .orderBy(asc(roomMembers.joinedAt), asc(roomMembers.userId));
  return rows.map((row) => ({ userId: row.userId, name: row.name, handle: handleFor(row.name), role: row.role, joinedAt: row.joinedAt.toISOString() }));
}

export async function userNames(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** An active user by id or email, or undefined. */
export async function findActiveUserBy(db: Queryable, by: { userId?: string; email?: string }): Promise<{ id: string; name: string } | undefined> {
  const condition = by.userId ? eq(users.id, by.userId) : eq(users.email, (by.email ?? "").toLowerCase());
  const [row] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(condition, isNull(users.deactivatedAt)))
    .limit(1);
  return row;
}
