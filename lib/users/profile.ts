import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { users } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { toPublicUser, type PublicUser } from "@/lib/users/schemas";
import { findActiveUser } from "@/lib/users/users";

/** What a person changes about their own account: name, time zone, password, sessions. */

export async function updateProfile(db: Database, userId: string, input: { name?: string; timezone?: string }): Promise<PublicUser> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(input.timezone !== undefined ? { timezone: input.timezone } : {}), updatedAt: new Date() })
      .where(and(eq(users.id, userId), isNull(users.deactivatedAt)))
      .returning();
    if (!row) throw new AppError("not_found", "User not found");
    const fields = Object.keys(input).filter((field) => input[field as keyof typeof input] !== undefined);
    await recordAudit(tx, { action: "user.profile_updated", actorId: userId, target: { type: "user", id: userId }, metadata: { fields } });
    return toPublicUser(row);
  });
}

/**
 * Sets a new password after checking the current one (an account that signs
 * in only through OAuth has none, and sets its first without). Bumps the
 * session version, which ends every session made before; the caller re-issues
 * its own cookie with the returned version.
 */
export async function changePassword(db: Database, userId: string, input: { currentPassword?: string; newPassword: string }): Promise<{ sessionVersion: number }> {
  const user = await findActiveUser(db, userId);
  if (!user) throw new AppError("not_found", "User not found");
  if (user.passwordHash) {
    const ok = !!input.currentPassword && (await verifyPassword(input.currentPassword, user.passwordHash));
    if (!ok) throw new AppError("validation_failed", "The current password is wrong", { errors: [{ path: "body.currentPassword", message: "is wrong" }] });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(and(eq(users.id, userId), isNull(users.deactivatedAt)))
      .returning({ sessionVersion: users.sessionVersion });
    if (!row) throw new AppError("not_found", "User not found");
    await recordAudit(tx, { action: "user.password_changed", actorId: userId, target: { type: "user", id: userId }, metadata: { firstPassword: !user.passwordHash } });
    return { sessionVersion: row.sessionVersion };
  });
}

/** Ends every browser session of the user (API keys are separate and keep working). */
export async function revokeSessions(db: Database, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(and(eq(users.id, userId), isNull(users.deactivatedAt)))
      .returning({ id: users.id });
    if (rows.length === 0) throw new AppError("not_found", "User not found");
    await recordAudit(tx, { action: "auth.sessions_revoked", actorId: userId, target: { type: "user", id: userId } });
  });
}
