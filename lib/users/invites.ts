import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNotNull, isNull, lt, lte } from "drizzle-orm";
import type { Database, Queryable, Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { invites } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import { toPage, type Page } from "@/lib/http/pagination";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/passwords";
import type { Role } from "@/lib/auth/actor";
import { toPublicUser, type InviteStatus, type InviteView, type PublicUser } from "@/lib/users/schemas";
import { createUser, findUserByEmail, type UserRow } from "@/lib/users/users";

/**
 * Invitations. An admin invites an email with a role; the person opens a
 * single-use link that expires, and accepting it creates their account.
 * The token is 256 random bits, shown once; only its SHA-256 is stored.
 */
export const INVITE_PAGE_PATH = "/invite/";

type InviteRow = typeof invites.$inferSelect;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function inviteStatus(row: InviteRow, now = new Date()): InviteStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt.getTime() <= now.getTime() ? "expired" : "pending";
}

export function toInviteView(row: InviteRow): InviteView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: inviteStatus(row),
    invitedById: row.invitedById,
    acceptedUserId: row.acceptedUserId,
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const pending = () => and(isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, new Date()));

/** Creates an invite; an earlier pending invite for the same email is revoked, so only the newest link works. */
export async function createInvite(
  db: Database,
  actorId: string,
  input: { email: string; role: Role },
  options: { ttlHours: number; baseUrl: string },
): Promise<{ invite: InviteView; token: string; url: string }> {
  const token = randomBytes(32).toString("base64url");
  const invite = await db.transaction(async (tx) => {
    if (await findUserByEmail(tx, input.email)) throw new AppError("conflict", "A user with this email already exists");
    const replaced = await tx
      .update(invites)
      .set({ revokedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(invites.email, input.email), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
      .returning({ id: invites.id });
    const [row] = await tx
      .insert(invites)
      .values({
        id: newId("inv"),
        email: input.email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedById: actorId,
        expiresAt: new Date(Date.now() + options.ttlHours * 3600_000),
      })
      .returning();
    await recordAudit(tx, {
      action: "invite.created",
      actorId,
      target: { type: "invite", id: row!.id },
      metadata: { email: input.email, role: input.role, expiresAt: row!.expiresAt.toISOString(), replaced: replaced.map((r) => r.id) },
    });
    return row!;
  });
  return { invite: toInviteView(invite), token, url: `${options.baseUrl.replace(/\/$/, "")}${INVITE_PAGE_PATH}${token}` };
}

export async function listInvites(db: Queryable, query: { limit: number; cursor?: string; status?: InviteStatus }): Promise<Page<InviteView>> {
  const now = new Date();
  const byStatus = {
    pending: pending(),
    accepted: isNotNull(invites.acceptedAt),
    revoked: and(isNull(invites.acceptedAt), isNotNull(invites.revokedAt)),
    expired: and(isNull(invites.acceptedAt), isNull(invites.revokedAt), lte(invites.expiresAt, now)),
  };
  const rows = await db
    .select()
    .from(invites)
    .where(and(query.cursor ? lt(invites.id, query.cursor) : undefined, query.status ? byStatus[query.status] : undefined))
    .orderBy(desc(invites.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, toInviteView);
}

/** Revokes a pending invite (again is a no-op); an accepted one cannot be revoked. */
export async function revokeInvite(db: Database, actorId: string, inviteId: string): Promise<InviteView> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ revokedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(invites.id, inviteId), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
      .returning();
    if (row) {
      await recordAudit(tx, { action: "invite.revoked", actorId, target: { type: "invite", id: row.id }, metadata: { email: row.email } });
      return toInviteView(row);
    }
    const [existing] = await tx.select().from(invites).where(eq(invites.id, inviteId)).limit(1);
    if (!existing) throw new AppError("not_found", "Invite not found");
    if (existing.acceptedAt) throw new AppError("conflict", "This invite was already accepted; deactivate the user instead");
    return toInviteView(existing);
  });
}

/** Why a token cannot be used: unknown or revoked is a 404, used or expired a 410. */
function unusable(row: InviteRow | undefined): AppError {
  if (!row || row.revokedAt) return new AppError("not_found", "This invite link is not valid; ask an admin for a new one");
  if (row.acceptedAt) return new AppError("gone", "This invite link was already used; sign in instead");
  return new AppError("gone", "This invite link has expired; ask an admin for a new one");
}

/** What the invite page shows before the person accepts. */
export async function findInviteByToken(db: Queryable, token: string): Promise<{ email: string; role: Role; expiresAt: string }> {
  const [row] = await db.select().from(invites).where(eq(invites.tokenHash, hashToken(token))).limit(1);
  if (!row || inviteStatus(row) !== "pending") throw unusable(row);
  return { email: row.email, role: row.role, expiresAt: row.expiresAt.toISOString() };
}

/**
 * Spends a pending invite inside the caller's transaction and creates its
 * user. The UPDATE that marks it accepted is also the check that it was
 * pending, so two people racing on one link create one account.
 */
async function redeem(tx: Tx, where: ReturnType<typeof and>, make: (invite: InviteRow) => Promise<UserRow>): Promise<{ user: UserRow; invite: InviteRow } | null> {
  const [invite] = await tx
    .update(invites)
    .set({ acceptedAt: new Date(), updatedAt: new Date() })
    .where(and(where, pending()))
    .returning();
  if (!invite) return null;
  const user = await make(invite);
  await tx.update(invites).set({ acceptedUserId: user.id }).where(eq(invites.id, invite.id));
  await recordAudit(tx, { action: "invite.accepted", actorId: user.id, target: { type: "invite", id: invite.id }, metadata: { email: invite.email, role: invite.role } });
  return { user, invite };
}

/** The invite page's form: name and password create the account. */
export async function acceptInvite(db: Database, token: string, input: { name: string; password: string; timezone?: string }): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  const tokenHash = hashToken(token);
  return db.transaction(async (tx) => {
    const redeemed = await redeem(tx, eq(invites.tokenHash, tokenHash), async (invite) => {
      const user = await createUser(tx, { email: invite.email, name: input.name, passwordHash, role: invite.role, timezone: input.timezone });
      await recordAudit(tx, { action: "user.created", actorId: user.id, target: { type: "user", id: user.id }, metadata: { via: "invite", role: invite.role, invitedBy: invite.invitedById } });
      return user;
    });
    if (!redeemed) {
      const [row] = await tx.select().from(invites).where(eq(invites.tokenHash, tokenHash)).limit(1);
      throw unusable(row);
    }
    return toPublicUser(redeemed.user);
  });
}

/**
 * OAuth sign-in of an invited email with no account yet: spends the newest
 * pending invite for one of the provider's verified emails and creates an
 * account without a password. Null when no such invite exists.
 */
export async function redeemInviteForOAuth(tx: Tx, emails: string[], name: string): Promise<UserRow | null> {
  for (const email of emails) {
    const [newest] = await tx
      .select({ id: invites.id })
      .from(invites)
      .where(and(eq(invites.email, email), pending()))
      .orderBy(desc(invites.id))
      .limit(1);
    if (!newest) continue;
    const redeemed = await redeem(tx, eq(invites.id, newest.id), async (invite) => {
      const user = await createUser(tx, { email: invite.email, name, role: invite.role });
      await recordAudit(tx, { action: "user.created", actorId: user.id, target: { type: "user", id: user.id }, metadata: { via: "invite-oauth", role: invite.role, invitedBy: invite.invitedById } });
      return user;
    });
    if (redeemed) return redeemed.user;
  }
  return null;
}
