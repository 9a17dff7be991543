import { randomInt } from "node:crypto";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { z } from "zod";
import type { Database, Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { totpBackupCodes, users } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import { recordAudit } from "@/lib/audit/record";
import { keyedHash, openSecret, sealSecret } from "@/lib/auth/secret-box";
import { verifyPassword } from "@/lib/auth/passwords";
import type { UserRow } from "@/lib/users/users";

/**
 * TOTP two-factor sign-in (RFC 6238: SHA-1, 6 digits, 30 s, as every
 * authenticator app expects).
 *
 * - Enrolment stores a sealed secret with totpEnabled false; confirming it
 *   with a current code turns it on and issues 10 single-use backup codes.
 * - A code is accepted once: the accepted time step is stored, and a code of
 *   the same or an earlier step is refused (no replay inside the window).
 * - Backup codes are stored as keyed hashes and spent by one UPDATE that
 *   checks they are unspent, so two sign-ins cannot spend one code twice.
 */
const ISSUER = "Message Hub";
const PERIOD = 30;
const DIGITS = 6;
export const BACKUP_CODE_COUNT = 10;
const CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export const totpCodeSchema = z.object({ code: z.string().trim().min(1, "is required").max(32) });

/** Proof that the person at the keyboard owns the account: the password, or a current code (TOTP or backup). */
export const secondFactorProofSchema = z
  .object({ password: z.string().max(256).optional(), code: z.string().trim().max(32).optional() })
  .refine((value) => !!value.password || !!value.code, { message: "send your password or a code", path: ["password"] });

export type TotpStatus = { enabled: boolean; pending: boolean; backupCodesRemaining: number };

function totpFor(base32: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(base32) });
}

function secretOf(user: UserRow): string {
  const base32 = user.totpSecret ? openSecret(user.totpSecret, "totp-secret", user.id) : null;
  // A secret that does not open was sealed under another AUTH_SECRET.
  if (!base32) throw new AppError("conflict", "The two-factor secret cannot be read (the server's auth secret changed); ask an admin to reset two-factor");
  return base32;
}

/** The time step a code belongs to (within ±1 step of now), or null when it is not a current code. */
function matchStep(base32: string, label: string, code: string): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpFor(base32, label);
  const timestamp = Date.now();
  const delta = totp.validate({ token: code, window: 1, timestamp });
  return delta === null ? null : totp.counter({ timestamp }) + delta;
}

/** Records a step as used; false when that step (or a later one) was already used. */
async function spendStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return rows.length > 0;
}

function normaliseBackupCode(code: string): string | null {
  const compact = code.toLowerCase().replace(/[\s-]/g, "");
  return /^[0-9a-z]{10}$/.test(compact) ? compact : null;
}

function newBackupCode(): string {
  let out = "";
  for (let i = 0; i < 10; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/** Replaces the user's backup codes with fresh ones and returns them (the only time they are seen). */
async function issueBackupCodes(db: Queryable, userId: string): Promise<string[]> {
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
  await db.delete(totpBackupCodes).where(eq(totpBackupCodes.userId, userId));
  await db.insert(totpBackupCodes).values(codes.map((code) => ({ id: newId("bkc"), userId, codeHash: keyedHash(normaliseBackupCode(code)!, "backup-code") })));
  return codes;
}

async function loadUser(db: Queryable, userId: string): Promise<UserRow> {
  const [user] = await db.select().from(users).where(and(eq(users.id, userId), isNull(users.deactivatedAt))).limit(1);
  if (!user) throw new AppError("not_found", "User not found");
  return user;
}

export async function totpStatus(db: Queryable, userId: string): Promise<TotpStatus> {
  const user = await loadUser(db, userId);
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(totpBackupCodes)
    .where(and(eq(totpBackupCodes.userId, userId), isNull(totpBackupCodes.usedAt)));
  return { enabled: user.totpEnabled, pending: !user.totpEnabled && !!user.totpSecret, backupCodesRemaining: user.totpEnabled ? (row?.count ?? 0) : 0 };
}

/**
 * Starts (or restarts) enrolment: a new secret, sealed at rest, not yet
 * enforced. Returns what the authenticator app needs.
 */
export async function startTotpEnrolment(db: Database, userId: string): Promise<{ secret: string; otpauthUri: string; qrDataUrl: string }> {
  const user = await loadUser(db, userId);
  if (user.totpEnabled) throw new AppError("conflict", "Two-factor sign-in is already on; turn it off first to enrol a new authenticator");
  // Two-factor guards password sign-in; an account without a password could never use it.
  if (!user.passwordHash) throw new AppError("conflict", "Set a password first: two-factor sign-in applies to email and password sign-in");
  const secret = new Secret({ size: 20 }).base32;
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ totpSecret: sealSecret(secret, "totp-secret", user.id), totpLastStep: null, updatedAt: new Date() })
      .where(and(eq(users.id, user.id), eq(users.totpEnabled, false)));
    await recordAudit(tx, { action: "totp.enrolment_started", actorId: user.id, target: { type: "user", id: user.id } });
  });
  const otpauthUri = totpFor(secret, user.email).toString();
  const qrDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: "M", margin: 1, width: 240 });
  return { secret, otpauthUri, qrDataUrl };
}

/** Turns two-factor on once the app shows a matching code; returns the backup codes. */
export async function confirmTotpEnrolment(db: Database, userId: string, code: string): Promise<{ backupCodes: string[] }> {
  const user = await loadUser(db, userId);
  if (user.totpEnabled) throw new AppError("conflict", "Two-factor sign-in is already on");
  if (!user.totpSecret) throw new AppError("conflict", "Start enrolment first (POST /api/v1/me/totp)");
  const step = matchStep(secretOf(user), user.email, code);
  if (step === null) throw wrongProof("code", "is not the current code from your authenticator app");
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(users)
      .set({ totpEnabled: true, totpLastStep: step, updatedAt: new Date() })
      // The secret the code was checked against must still be the pending one.
      .where(and(eq(users.id, user.id), eq(users.totpEnabled, false), eq(users.totpSecret, user.totpSecret!)))
      .returning({ id: users.id });
    if (rows.length === 0) throw new AppError("conflict", "The enrolment changed meanwhile; start again");
    const backupCodes = await issueBackupCodes(tx, user.id);
    await recordAudit(tx, { action: "totp.enabled", actorId: user.id, target: { type: "user", id: user.id } });
    return { backupCodes };
  });
}

/**
 * Checks a second factor at sign-in or for a sensitive change: a current TOTP
 * code, or an unspent backup code (which it spends). Returns which matched.
 */
export async function verifySecondFactor(db: Queryable, user: UserRow, code: string): Promise<"totp" | "backup" | null> {
  if (!user.totpEnabled || !user.totpSecret) return null;
  const trimmed = code.trim().replace(/\s/g, "");
  if (/^\d{6}$/.test(trimmed)) {
    const base32 = openSecret(user.totpSecret, "totp-secret", user.id);
    const step = base32 ? matchStep(base32, user.email, trimmed) : null;
    return step !== null && (await spendStep(db, user.id, step)) ? "totp" : null;
  }
  const backup = normaliseBackupCode(trimmed);
  if (!backup) return null;
  const spent = await db
    .update(totpBackupCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(totpBackupCodes.userId, user.id), eq(totpBackupCodes.codeHash, keyedHash(backup, "backup-code")), isNull(totpBackupCodes.usedAt)))
    .returning({ id: totpBackupCodes.id });
  if (spent.length === 0) return null;
  await recordAudit(db, { action: "totp.backup_code_used", actorId: user.id, target: { type: "user", id: user.id } });
  return "backup";
}

async function assertProof(db: Queryable, user: UserRow, proof: { password?: string; code?: string }): Promise<void> {
  if (proof.password !== undefined && proof.password !== "") {
    if (!(await verifyPassword(proof.password, user.passwordHash))) throw wrongProof("password", "is wrong");
    return;
  }
  if (!proof.code || !(await verifySecondFactor(db, user, proof.code))) throw wrongProof("code", "is not a current or unused code");
}

/** Turns two-factor off (or cancels a pending enrolment) after the password or a code. */
export async function disableTotp(db: Database, userId: string, proof: { password?: string; code?: string }): Promise<void> {
  const user = await loadUser(db, userId);
  if (!user.totpEnabled && !user.totpSecret) throw new AppError("conflict", "Two-factor sign-in is not on");
  await assertProof(db, user, proof);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabled: false, totpSecret: null, totpLastStep: null, updatedAt: new Date() }).where(eq(users.id, user.id));
    await tx.delete(totpBackupCodes).where(eq(totpBackupCodes.userId, user.id));
    await recordAudit(tx, { action: "totp.disabled", actorId: user.id, target: { type: "user", id: user.id }, metadata: { proof: proof.password ? "password" : "code" } });
  });
}

/** Replaces every backup code after the password or a code; the old ones stop working. */
export async function regenerateBackupCodes(db: Database, userId: string, proof: { password?: string; code?: string }): Promise<{ backupCodes: string[] }> {
  const user = await loadUser(db, userId);
  if (!user.totpEnabled) throw new AppError("conflict", "Two-factor sign-in is not on");
  await assertProof(db, user, proof);
  return db.transaction(async (tx) => {
    const backupCodes = await issueBackupCodes(tx, user.id);
    await recordAudit(tx, { action: "totp.backup_codes_regenerated", actorId: user.id, target: { type: "user", id: user.id } });
    return { backupCodes };
  });
}

function wrongProof(field: "password" | "code", message: string): AppError {
  return new AppError("validation_failed", `The ${field} ${message}`, { errors: [{ path: `body.${field}`, message }] });
}
