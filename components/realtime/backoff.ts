const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before reconnection attempt number `attempt` (0-based):
 * doubling from 1 s up to 30 s, then scaled by a random 50–100 %, so a
 * restarted server is not hit by every tab at the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt);
  return Math.round(base * (0.5 + random() * 0.5));
}
