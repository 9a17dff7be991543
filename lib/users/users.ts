import { and, eq, isNull, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { users } from "@/lib/db/schema/users";
import { hashPassword } from "@/lib/auth/passwords";
import { AppError } from "@/lib/http/errors";
import type { Role } from "@/lib/auth/actor";

export type UserRow = typeof users.$inferSelect;

/**
 * Inserts a user. Give `password` to have it hashed here, or `passwordHash`
 * when the caller hashed it before opening its transaction (scrypt takes
 * tens of milliseconds; a transaction should not wait on it).
 */
export async function createUser(
  db: Queryable,
  input: { email: string; name: string; password?: string; passwordHash?: string; role: Role; timezone?: string },
): Promise<UserRow> {
  const passwordHash = input.passwordHash ?? (input.password ? await hashPassword(input.password) : null);
  const rows = await db
    .insert(users)
    .values({ id: newId("usr"), email: input.email.toLowerCase(), name: input.name, passwordHash, role: input.role, timezone: input.timezone ?? "UTC" })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!rows[0]) throw new AppError("conflict", "A user with this email already exists");
  return rows[0];
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
  return row;
}

/** An active (not deactivated) user by id, or undefined. */
export async function findActiveUser(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), isNull(users.deactivatedAt)))
    .limit(1);
  return row;
}

export async function countUsers(db: Queryable): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  return row?.count ?? 0;
}

/** A user by id, active or not (admin views). */
export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}
