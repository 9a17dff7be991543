import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/http/errors";

/**
 * The request signatures the forwarder apps send, each checked exactly as
 * the app computes it. A failure is a 403 and the request stores nothing.
 */
export function hmac(secret: string, data: Buffer | string): Buffer {
  return createHmac("sha256", secret).update(data).digest();
}

/** Constant-time comparison of two byte strings of possibly different length. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A hex signature as sent (any case, optional "sha256=" prefix) against the expected digest. */
export function hexMatches(presented: string | null, expected: Buffer): boolean {
  if (!presented) return false;
  const hex = presented.trim().replace(/^sha256=/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  return sameBytes(Buffer.from(hex, "hex"), expected);
}

export function refuse(detail: string): never {
  throw new AppError("forbidden", detail);
}

/** Refuses a signed timestamp further than the window from now, either way (replays and bad clocks). */
export function assertFresh(timestampMs: number, now: Date, windowSeconds: number): void {
  if (!Number.isFinite(timestampMs)) refuse("The signed timestamp is not a number");
  const skew = Math.abs(now.getTime() - timestampMs) / 1000;
  if (skew > windowSeconds) {
    refuse(`The signed timestamp is ${Math.round(skew)} s away from the server's clock (the limit is ${windowSeconds} s); check the phone's clock`);
  }
}
