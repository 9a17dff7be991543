import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { and, asc, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { phoneNumbers } from "@/lib/db/schema/sms";
import { AppError } from "@/lib/http/errors";
import { getLimiter, rateLimitedError } from "@/lib/http/rate-limit";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { PhoneNumberView } from "@/lib/sms/schemas";
import { sendSms } from "@/lib/sms/send";

/**
 * A user's phone numbers. A number routes inbound SMS only once verified by
 * a 6-digit code sent to it, and at most one user holds it verified (a
 * unique index, so two racing verifications cannot both win). Changing a
 * number is adding the new one, verifying it, and removing the old one.
 */
export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
export const RESEND_INTERVAL_MS = 60_000;
/** Codes one user may have sent per hour, across all their numbers. */
export const CODES_PER_HOUR = 5;
export const MAX_NUMBERS_PER_USER = 10;

type Row = typeof phoneNumbers.$inferSelect;

function toView(row: Row): PhoneNumberView {
  return {
    id: row.id,
    phoneNumber: row.phoneNumber,
    verified: row.verifiedAt !== null,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    codeExpiresAt: row.verifiedAt === null ? (row.codeExpiresAt?.toISOString() ?? null) : null,
    createdAt: row.createdAt.toISOString(),
  };
}

function hashCode(id: string, code: string): string {
  return createHash("sha256").update(`${id}:${code}`).digest("hex");
}

export async function listPhoneNumbers(db: Database, userId: string): Promise<PhoneNumberView[]> {
  const rows = await db.select().from(phoneNumbers).where(eq(phoneNumbers.userId, userId)).orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.id));
  return rows.map(toView);
}

async function getOwned(db: Database, userId: string, id: string): Promise<Row> {
  const [row] = await db.select().from(phoneNumbers).where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.userId, userId)));
  if (!row) throw new AppError("not_found", "Phone number not found");
  return row;
}

async function assertNotTaken(db: Database, userId: string, phoneNumber: string): Promise<void> {
  const [taken] = await db
    .select({ id: phoneNumbers.id })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.phoneNumber, phoneNumber), isNotNull(phoneNumbers.verifiedAt), ne(phoneNumbers.userId, userId)));
  if (taken) throw new AppError("conflict", "This phone number is already verified by another account. Ask its owner (or an admin) to remove it first.");
}

/**
 * Adds a number (already E.164) and sends it a code. Adding a number the
 * user already has pending sends a new code, under the resend throttle.
 */
export async function addPhoneNumber(db: Database, userId: string, phoneNumber: string): Promise<PhoneNumberView> {
  await assertNotTaken(db, userId, phoneNumber);
  const [existing] = await db.select().from(phoneNumbers).where(and(eq(phoneNumbers.userId, userId), eq(phoneNumbers.phoneNumber, phoneNumber)));
  if (existing) {
    if (existing.verifiedAt) throw new AppError("conflict", "You have already verified this phone number");
    return sendCode(db, userId, existing);
  }
  const [{ count }] = (await db.select({ count: sql<number>`count(*)::int` }).from(phoneNumbers).where(eq(phoneNumbers.userId, userId))) as [{ count: number }];
  if (count >= MAX_NUMBERS_PER_USER) throw new AppError("conflict", `You can add at most ${MAX_NUMBERS_PER_USER} phone numbers; remove one first`);
  const [row] = await db.insert(phoneNumbers).values({ id: newId("pn"), userId, phoneNumber }).onConflictDoNothing().returning();
  // A concurrent add of the same number by the same user: use that row.
  const created = row ?? (await db.select().from(phoneNumbers).where(and(eq(phoneNumbers.userId, userId), eq(phoneNumbers.phoneNumber, phoneNumber))))[0]!;
  return sendCode(db, userId, created);
}

export async function resendCode(db: Database, userId: string, id: string): Promise<PhoneNumberView> {
  const row = await getOwned(db, userId, id);
  if (row.verifiedAt) throw new AppError("conflict", "This phone number is already verified");
  await assertNotTaken(db, userId, row.phoneNumber);
  return sendCode(db, userId, row);
}

/**
 * Issues a fresh code (attempts reset) and sends it. The row is claimed with
 * a conditional update, so two concurrent resends send one code; the code is
 * written before the network call, outside any transaction.
 */
async function sendCode(db: Database, userId: string, row: Row): Promise<PhoneNumberView> {
  if (row.codeSentAt && Date.now() - row.codeSentAt.getTime() < RESEND_INTERVAL_MS) {
    throw rateLimitedError(RESEND_INTERVAL_MS - (Date.now() - row.codeSentAt.getTime()), "A code was sent to this number moments ago");
  }
  try {
    await getLimiter("sms-code", { points: CODES_PER_HOUR, duration: 3600 }).consume(userId);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimitedError(rejection.msBeforeNext, "Too many verification codes sent");
    throw rejection;
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const [claimed] = await db
    .update(phoneNumbers)
    .set({ codeHash: hashCode(row.id, code), codeExpiresAt: new Date(Date.now() + CODE_TTL_MS), codeSentAt: sql`now()`, attempts: 0, updatedAt: sql`now()` })
    .where(and(eq(phoneNumbers.id, row.id), row.codeSentAt ? sql`${phoneNumbers.codeSentAt} < now() - ${`${RESEND_INTERVAL_MS / 1000} seconds`}::interval` : sql`${phoneNumbers.codeSentAt} is null`))
    .returning();
  if (!claimed) throw rateLimitedError(RESEND_INTERVAL_MS, "A code was sent to this number moments ago");
  await sendSms(db, { userId, to: row.phoneNumber, body: `Your Message Hub verification code is ${code}. It expires in 10 minutes.`, kind: "verification" });
  return toView(claimed);
}

export async function verifyPhoneNumber(db: Database, userId: string, id: string, code: string): Promise<PhoneNumberView> {
  const row = await getOwned(db, userId, id);
  if (row.verifiedAt) return toView(row);
  if (!row.codeHash || !row.codeExpiresAt) throw new AppError("conflict", "No code is pending for this number; request a new one");
  if (row.attempts >= MAX_ATTEMPTS) throw new AppError("rate_limited", "Too many wrong codes; request a new code");
  if (row.codeExpiresAt.getTime() <= Date.now()) throw new AppError("gone", "The code has expired; request a new one");
  // Count the attempt before comparing, atomically, so parallel guesses cannot exceed the limit.
  const [counted] = await db
    .update(phoneNumbers)
    .set({ attempts: sql`${phoneNumbers.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.userId, userId), sql`${phoneNumbers.attempts} < ${MAX_ATTEMPTS}`))
    .returning({ attempts: phoneNumbers.attempts });
  if (!counted) throw new AppError("rate_limited", "Too many wrong codes; request a new code");
  const expected = Buffer.from(row.codeHash, "hex");
  const given = Buffer.from(hashCode(id, code), "hex");
  if (!timingSafeEqual(expected, given)) {
    const left = MAX_ATTEMPTS - counted.attempts;
    throw new AppError("validation_failed", left > 0 ? `Wrong code; ${left} ${left === 1 ? "attempt" : "attempts"} left` : "Wrong code; request a new code", {
      errors: [{ path: "body.code", message: "is not the code we sent", code: "wrong_code" }],
    });
  }
  await assertNotTaken(db, userId, row.phoneNumber);
  try {
    const [verified] = await db
      .update(phoneNumbers)
      .set({ verifiedAt: sql`now()`, codeHash: null, codeExpiresAt: null, attempts: 0, updatedAt: sql`now()` })
      .where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.userId, userId)))
      .returning();
    return toView(verified!);
  } catch (error) {
    // The verified-number unique index: someone else verified it in between.
    if ((error as { code?: string }).code === "23505" || (error as { cause?: { code?: string } }).cause?.code === "23505") {
      throw new AppError("conflict", "This phone number is already verified by another account.");
    }
    throw error;
  }
}

export async function deletePhoneNumber(db: Database, userId: string, id: string): Promise<void> {
  const deleted = await db.delete(phoneNumbers).where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.userId, userId))).returning({ id: phoneNumbers.id });
  if (deleted.length === 0) throw new AppError("not_found", "Phone number not found");
}

/** The user a verified number belongs to, for inbound routing. */
export async function ownerOfVerified(db: Database, phoneNumber: string): Promise<string | null> {
  const [row] = await db.select({ userId: phoneNumbers.userId }).from(phoneNumbers).where(and(eq(phoneNumbers.phoneNumber, phoneNumber), isNotNull(phoneNumbers.verifiedAt)));
  return row?.userId ?? null;
}

/** Where the user's SMS notifications go: their first verified number, or null when they have none. */
export async function notificationNumber(db: Database, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ phoneNumber: phoneNumbers.phoneNumber })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.userId, userId), isNotNull(phoneNumbers.verifiedAt)))
    .orderBy(asc(phoneNumbers.verifiedAt), asc(phoneNumbers.id))
    .limit(1);
  return row?.phoneNumber ?? null;
}

export async function hasVerifiedNumber(db: Database, userId: string): Promise<boolean> {
  const [row] = await db.select({ id: phoneNumbers.id }).from(phoneNumbers).where(and(eq(phoneNumbers.userId, userId), isNotNull(phoneNumbers.verifiedAt))).limit(1);
  return !!row;
}
