import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { AppError } from "@/lib/http/errors";
import { getConfig } from "@/lib/config/env";
import { metrics } from "@/lib/metrics/metrics";
import { getRedis } from "@/lib/realtime/redis";

/**
 * Named limits. Each is a number of points per window; a request costs one
 * point unless the caller says otherwise. With REDIS_URL set the counters
 * live in Redis, so every instance shares them. Each name is its own budget:
 * "auth" guards what guesses a secret (passwords, codes, invite tokens),
 * "send" what reaches outside the hub on the caller's behalf (an SMS, a test
 * push), so sending never uses up the attempts a password change needs.
 */
export type LimitName = "api" | "ingest" | "auth" | "send" | "setup";

function limitOptions(name: LimitName): { points: number; duration: number } {
  const config = getConfig();
  switch (name) {
    case "api":
      return { points: config.RATE_LIMIT_API_PER_MINUTE, duration: 60 };
    case "ingest":
      return { points: config.RATE_LIMIT_INGEST_PER_MINUTE, duration: 60 };
    case "auth":
      return { points: config.RATE_LIMIT_AUTH_PER_15_MINUTES, duration: 15 * 60 };
    case "send":
      return { points: config.RATE_LIMIT_SEND_PER_HOUR, duration: 60 * 60 };
    case "setup":
      return { points: 10, duration: 60 * 60 };
  }
}

const LIMITERS_KEY = Symbol.for("message-hub.rate-limiters");
type Holder = { [LIMITERS_KEY]?: Map<string, RateLimiterAbstract> };

export function getLimiter(name: string, options: { points: number; duration: number; blockDuration?: number }): RateLimiterAbstract {
  const holder = globalThis as Holder;
  holder[LIMITERS_KEY] ??= new Map();
  const existing = holder[LIMITERS_KEY].get(name);
  if (existing) return existing;
  const redis = getRedis();
  const common = { keyPrefix: `${getConfig().REDIS_KEY_PREFIX}:rl:${name}`, ...options };
  const limiter = redis
    ? new RateLimiterRedis({ ...common, storeClient: redis, useRedisPackage: true, insuranceLimiter: new RateLimiterMemory(common) })
    : new RateLimiterMemory(common);
  holder[LIMITERS_KEY].set(name, countRefusals(name, limiter));
  return limiter;
}

/**
 * Counts every refusal of a limiter's consume() under its name, so each
 * caller (routes, sign-in, sockets, rooms, SMS) is counted without a line of
 * its own. Names are fixed strings in the code, so the label stays small.
 */
function countRefusals(name: string, limiter: RateLimiterAbstract): RateLimiterAbstract {
  const consume = limiter.consume.bind(limiter);
  limiter.consume = async (...args: Parameters<RateLimiterAbstract["consume"]>) => {
    try {
      return await consume(...args);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) metrics().rateLimitRefusals.inc({ limit: name });
      throw rejection;
    }
  };
  return limiter;
}

/** Drops the cached limiters (tests that change limits between cases). */
export function resetLimiters(): void {
  (globalThis as Holder)[LIMITERS_KEY]?.clear();
}

export function rateLimitedError(retryAfterMs: number, detail = "Too many requests; slow down"): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError("rate_limited", `${detail}. Try again in ${seconds} s.`, { headers: { "retry-after": String(seconds) } });
}

/**
 * Whose budget a request spends. The API and ingest limits count per key, so
 * each integration and each phone has its own. The auth and send limits
 * count per person, however many keys they make: guesses at a secret and
 * messages that cost money are the person's. Without an actor, per IP.
 */
export function limitKey(name: LimitName, actor: { userId: string; apiKeyId?: string } | null, ip: string): string {
  if (!actor) return `ip:${ip}`;
  return name === "auth" || name === "send" ? actor.userId : (actor.apiKeyId ?? actor.userId);
}

/** Takes one point from `key` under the named limit, or throws a 429 with Retry-After. */
export async function consume(name: LimitName, key: string, points = 1): Promise<void> {
  const limiter = getLimiter(name, limitOptions(name));
  try {
    await limiter.consume(key, points);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimitedError(rejection.msBeforeNext);
    throw rejection;
  }
}
