import { RateLimiterRes } from "rate-limiter-flexible";
import { getLimiter, rateLimitedError } from "@/lib/http/rate-limit";

/**
 * Room limits shared by the REST routes and the socket handlers, per user
 * (not per key or socket: several tabs or keys do not multiply the quota).
 * With REDIS_URL the counters are shared by every instance.
 */
export const MESSAGES_PER_SECOND = 10;
/** Joins (and resume pages) per user per minute. */
export const JOINS_PER_MINUTE = 240;

async function take(name: string, options: { points: number; duration: number }, key: string, detail: string): Promise<void> {
  try {
    await getLimiter(name, options).consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimitedError(rejection.msBeforeNext, detail);
    throw rejection;
  }
}

/** Throws a 429 once the user has sent MESSAGES_PER_SECOND messages in the current second. */
export function consumeMessageQuota(userId: string): Promise<void> {
  return take("room-messages", { points: MESSAGES_PER_SECOND, duration: 1 }, userId, `At most ${MESSAGES_PER_SECOND} messages per second`);
}

export function consumeJoinQuota(userId: string): Promise<void> {
  return take("room-joins", { points: JOINS_PER_MINUTE, duration: 60 }, userId, `At most ${JOINS_PER_MINUTE} room joins per minute`);
}
