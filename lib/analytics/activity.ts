import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { getLogger } from "@/lib/log/logger";

/**
 * Daily active users: the first authenticated request a user makes each UTC
 * day (API route or page) writes their row in analytics_user_activity. Each
 * process remembers whom it has recorded today, so this is one insert per
 * user per day per process, off the request's path; later requests only
 * move last_seen_at when the remembered write is an hour old.
 */
const KEY = Symbol.for("message-hub.analytics-activity");
type Seen = Map<string, { day: string; at: number }>;
type Holder = { [KEY]?: Seen };
const REFRESH_MS = 60 * 60_000;

function seen(): Seen {
  const holder = globalThis as Holder;
  holder[KEY] ??= new Map();
  return holder[KEY];
}

export function noteActivity(userId: string, now = new Date()): void {
  const day = now.toISOString().slice(0, 10);
  const last = seen().get(userId);
  if (last && last.day === day && now.getTime() - last.at < REFRESH_MS) return;
  seen().set(userId, { day, at: now.getTime() });
  if (seen().size > 100_000) seen().clear();
  const write = recordActivity(userId, now)
    .catch((error: unknown) => {
      seen().delete(userId);
      getLogger().warn({ err: error }, "could not record user activity");
    })
    .finally(() => pending.delete(write));
  pending.add(write);
}

const pending = new Set<Promise<void>>();

/** Waits for the activity writes in flight (tests, shutdown). */
export async function flushActivity(): Promise<void> {
  await Promise.all([...pending]);
}

export async function recordActivity(userId: string, now = new Date()): Promise<void> {
  await getDb().execute(sql`insert into analytics_user_activity (day, user_id, first_seen_at, last_seen_at)
    select (${now}::timestamptz at time zone 'UTC')::date, ${userId}, ${now}::timestamptz, ${now}::timestamptz
    where exists (select 1 from users where id = ${userId})
    on conflict (day, user_id) do update set last_seen_at = greatest(analytics_user_activity.last_seen_at, excluded.last_seen_at)`);
}

/** For tests: forget what this process has recorded. */
export function forgetActivity(): void {
  seen().clear();
}
