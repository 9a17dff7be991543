/**
 * Reconnect delays: 1, 2, 4, 8, 16 s, then 30 s for every further attempt.
 * No jitter by default, so the "reconnecting in N s" a UI shows is exact;
 * pass `jitter` (0..1) to spread a crowd of clients after a deploy.
 */
export type BackoffOptions = { baseMs?: number; maxMs?: number; jitter?: number };

export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 30_000;
  const exact = Math.min(max, base * 2 ** Math.min(Math.max(0, attempt), 30));
  const jitter = options.jitter ?? 0;
  return jitter > 0 ? Math.round(exact * (1 - jitter * random())) : exact;
}
