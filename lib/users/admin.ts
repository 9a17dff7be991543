import { and, asc, eq, gt, ilike, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/lib/db/client";
import { totpBackupCodes, users } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import { toPage, type Page } from "@/lib/http/pagination";
import { recordAudit } from "@/lib/audit/record";
import type { Role } from "@/lib/auth/actor";
import { toPublicUser, type PublicUser } from "@/lib/users/schemas";
import { findUserById } from "@/lib/users/users";

/** Fixed id of the advisory lock that serialises changes to who is an admin. */
const ADMIN_LOCK_ID = 7_302_114_203;

export async function listUsers(
  db: Queryable,
  query: { limit: number; cursor?: string; q?: string; role?: Role; status?: "active" | "deactivated" },
): Promise<Page<PublicUser>> {
  const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const rows = await db
    .select()
    .from(users)
    .where(
      and(
        query.cursor ? gt(users.id, query.cursor) : undefined,
        pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined,
        query.role ? eq(users.role, query.role) : undefined,
        query.status === "active" ? isNull(users.deactivatedAt) : query.status === "deactivated" ? isNotNull(users.deactivatedAt) : undefined,
      ),
    )
    .orderBy(asc(users.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, toPublicUser);
}

export async function getUserForAdmin(db: Queryable, userId: string): Promise<PublicUser> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError("not_found", "User not found");
  return toPublicUser(user);
}

/**
 * An admin changes a user's role, deactivates / reactivates them, or turns
 * their two-factor sign-in off (a user who lost both phone and backup codes).
 *
 * The hub never loses its last active admin: the check and the change run
 * under one advisory lock, so two admins demoting each other at the same
 * moment cannot both succeed. Deactivation bumps the session version (every
 * session ends) and the user's keys stop at once because authentication
 * re-reads the user; the caller disconnects their sockets after commit.
 */
export async function updateUserByAdmin(
  db: Database,
  actorId: string,
  userId: string,
  input: { role?: Role; active?: boolean; resetTwoFactor?: true },
): Promise<{ user: PublicUser; deactivated: boolean }> {
  // Their own goes through /me/totp/disable, which takes a session and the
  // password or a code: an admin key alone must not strip its owner's second factor.
  if (input.resetTwoFactor && userId === actorId) {
    throw new AppError("forbidden", "Turn your own two-factor sign-in off under Security, with your password or a code");
  }
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_LOCK_ID})`);
    const target = await findUserById(tx, userId);
    if (!target) throw new AppError("not_found", "User not found");
    const wasActiveAdmin = target.role === "admin" && !target.deactivatedAt;
    const losesAdmin = wasActiveAdmin && (input.role === "member" || input.active === false);
    if (losesAdmin) {
      const [row] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(users)
        .where(and(eq(users.role, "admin"), isNull(users.deactivatedAt)));
      if ((row?.count ?? 0) <= 1) throw new AppError("conflict", "This is the last active admin; make another user an admin first");
    }

    const deactivate = input.active === false && !target.deactivatedAt;
    const reactivate = input.active === true && !!target.deactivatedAt;
    const roleChange = input.role !== undefined && input.role !== target.role;
    const resetTwoFactor = !!input.resetTwoFactor && (target.totpEnabled || !!target.totpSecret);
    if (resetTwoFactor) await tx.delete(totpBackupCodes).where(eq(totpBackupCodes.userId, userId));
    const [row] = await tx
      .update(users)
      .set({
        ...(roleChange ? { role: input.role } : {}),
        ...(deactivate ? { deactivatedAt: new Date(), sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
        ...(reactivate ? { deactivatedAt: null } : {}),
        ...(resetTwoFactor ? { totpEnabled: false, totpSecret: null, totpLastStep: null } : {}),
        updatedAt: new Date(),
      })
      .where(eq(users.id, userId))
      .returning();

    const target_ = { type: "user" as const, id: userId };
    if (roleChange) await recordAudit(tx, { action: "user.role_changed", actorId, target: target_, metadata: { from: target.role, to: input.role } });
    if (deactivate) await recordAudit(tx, { action: "user.deactivated", actorId, target: target_, metadata: { email: target.email } });
    if (reactivate) await recordAudit(tx, { action: "user.reactivated", actorId, target: target_, metadata: { email: target.email } });
    if (resetTwoFactor) await recordAudit(tx, { action: "totp.disabled", actorId, target: target_, metadata: { by: "admin" } });
    return { user: toPublicUser(row!), deactivated: deactivate };
  });
}
