import { RateLimiterRes } from "rate-limiter-flexible";
import type { Queryable } from "@/lib/db/client";
import { getConfig } from "@/lib/config/env";
import { AppError } from "@/lib/http/errors";
import { getLimiter, rateLimitedError } from "@/lib/http/rate-limit";
import { metrics } from "@/lib/metrics/metrics";
import { verifyPassword } from "@/lib/auth/passwords";
import { findUserByEmail, type UserRow } from "@/lib/users/users";

/**
 * Password sign-in with back-off. Failures are counted per account and per
 * IP; past the allowance the account (or IP) is locked for a while, and even
 * the right password waits it out. A success clears the account's count.
 */
function limiters() {
  const config = getConfig();
  const window = 15 * 60;
  return {
    account: getLimiter("signin-account", { points: config.SIGNIN_MAX_FAILURES, duration: window, blockDuration: config.SIGNIN_LOCKOUT_SECONDS }),
    ip: getLimiter("signin-ip", { points: config.SIGNIN_MAX_FAILURES * 4, duration: window, blockDuration: config.SIGNIN_LOCKOUT_SECONDS }),
  };
}

/** Throws 429 with Retry-After while the account or the IP is locked out. */
export async function assertSignInAllowed(email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = limiters();
  const [forAccount, forIp] = await Promise.all([account.get(accountKey(email)), byIp.get(ip)]);
  const blocked = [forAccount, forIp].filter((res): res is RateLimiterRes => !!res && res.remainingPoints <= 0);
  if (blocked.length > 0) {
    const wait = Math.max(...blocked.map((res) => res.msBeforeNext));
    metrics().rateLimitRefusals.inc({ limit: "signin-lockout" });
    throw rateLimitedError(wait, "Too many failed sign-in attempts");
  }
}

/** The same account however the email is typed (the sign-in schema trims and lower-cases too). */
function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

async function recordFailure(email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = limiters();
  await Promise.all([account.penalty(accountKey(email), 1), byIp.penalty(ip, 1)]);
  const res = await account.get(accountKey(email));
  if (res && res.remainingPoints <= 0) await account.block(accountKey(email), getConfig().SIGNIN_LOCKOUT_SECONDS);
  const resIp = await byIp.get(ip);
  if (resIp && resIp.remainingPoints <= 0) await byIp.block(ip, getConfig().SIGNIN_LOCKOUT_SECONDS);
}

export type SignInResult =
  | { ok: true; user: UserRow }
  /** userId is set when the email belongs to an account (for the audit log only, never for the client). */
  | { ok: false; reason: "invalid" | "deactivated" | "totp_required" | "totp_invalid"; userId?: string };

/**
 * Checks an email and password (and the second factor, through `checkTotp`,
 * when the account has one). Never says which part was wrong.
 */
export async function signInWithPassword(
  db: Queryable,
  input: { email: string; password: string; ip: string; totp?: string },
  checkTotp?: (user: UserRow, code: string | undefined) => Promise<boolean>,
): Promise<SignInResult> {
  await assertSignInAllowed(input.email, input.ip);
  const user = await findUserByEmail(db, input.email);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash);
  if (!user || !passwordOk) {
    metrics().authFailures.inc({ method: "password", reason: "invalid" });
    await recordFailure(input.email, input.ip);
    return { ok: false, reason: "invalid", userId: user?.id };
  }
  if (user.deactivatedAt) {
    metrics().authFailures.inc({ method: "password", reason: "deactivated" });
    return { ok: false, reason: "deactivated", userId: user.id };
  }
  if (user.totpEnabled) {
    if (!input.totp) return { ok: false, reason: "totp_required", userId: user.id };
    if (!checkTotp || !(await checkTotp(user, input.totp))) {
      metrics().authFailures.inc({ method: "password", reason: "totp_invalid" });
      await recordFailure(input.email, input.ip);
      return { ok: false, reason: "totp_invalid", userId: user.id };
    }
  }
  await limiters().account.delete(accountKey(input.email));
  return { ok: true, user };
}

export function signInFailureMessage(reason: Exclude<SignInResult, { ok: true }>["reason"]): string {
  switch (reason) {
    case "invalid":
      return "The email or password is wrong";
    case "deactivated":
      return "This account is deactivated";
    case "totp_required":
      return "Enter the code from your authenticator app";
    case "totp_invalid":
      return "The authenticator code is wrong";
  }
}

export function signInError(reason: Exclude<SignInResult, { ok: true }>["reason"]): AppError {
  return new AppError(reason === "deactivated" ? "forbidden" : "unauthorized", signInFailureMessage(reason));
}

