/**
 * When a failed delivery is tried again, and when an endpoint is given up on.
 *
 * Attempt n (n ≥ 1 failed attempts so far) waits BASE × 2^(n-1), capped at
 * CAP, times a random factor in [1 - JITTER, 1 + JITTER) so endpoints that
 * failed together do not all retry in the same second. Nominal waits: 30 s,
 * 1, 2, 4, 8, 16, 32, 64, 128 min, then every 4 h, for as long as the retry
 * lands within WEBHOOK_RETRY_WINDOW_HOURS (24 h) of the delivery's creation:
 * about 14 attempts in all. docs/webhooks.md has the table.
 */
export const RETRY_BASE_MS = 30_000;
export const RETRY_CAP_MS = 4 * 60 * 60 * 1000;
export const RETRY_JITTER = 0.2;

/** The nominal wait (no jitter) after `failedAttempts` failures. */
export function nominalDelayMs(failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(RETRY_BASE_MS * 2 ** Math.min(exponent, 30), RETRY_CAP_MS);
}

export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const factor = 1 - RETRY_JITTER + 2 * RETRY_JITTER * random();
  return Math.round(nominalDelayMs(failedAttempts) * factor);
}

/**
 * The next attempt's time, or null when it would fall outside the retry
 * window and the delivery has failed for good.
 */
export function nextAttemptAt(options: { createdAt: Date; now: Date; failedAttempts: number; windowHours: number; random?: () => number }): Date | null {
  const next = new Date(options.now.getTime() + retryDelayMs(options.failedAttempts, options.random));
  const deadline = options.createdAt.getTime() + options.windowHours * 3_600_000;
  return next.getTime() <= deadline ? next : null;
}

/**
 * An endpoint is disabled once it has failed `failures` attempts in a row AND
 * has been failing for `hours`: both, so neither a burst of events during a
 * short outage nor one slow trickle of retries switches it off.
 */
export function shouldDisable(options: { failureCount: number; failingSince: Date; now: Date; failures: number; hours: number }): boolean {
  return options.failureCount >= options.failures && options.now.getTime() - options.failingSince.getTime() >= options.hours * 3_600_000;
}
