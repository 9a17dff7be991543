import { sql } from "drizzle-orm";
import type { Database, Queryable } from "@/lib/db/client";
import { addDays, dayStart, utcDay } from "@/lib/analytics/range";
import { COLUMNS, ingestSource, messageSource, roomSource, senderSource, taskSource } from "@/lib/analytics/sources";

/**
 * Daily rollups. The job rolls every closed UTC day (up to yesterday) that
 * the tables do not hold yet, oldest first, a month per transaction, and
 * records how far it got in analytics_rollup_state. The first run finds the
 * oldest raw row and backfills from there. Today is never rolled: the
 * endpoints read it from the raw tables (lib/analytics/sources.ts).
 */
const STATE_KEY = "daily";
const CHUNK_DAYS = 31;
/** Fixed id of the advisory lock that keeps two workers from rolling the same days. */
const ROLLUP_LOCK_ID = 7_302_114_301;

export async function rolledThrough(db: Queryable): Promise<string | null> {
  const result = await db.execute(sql`select to_char(rolled_through, 'YYYY-MM-DD') as day from analytics_rollup_state where key = ${STATE_KEY}`);
  return (result.rows[0] as { day?: string } | undefined)?.day ?? null;
}

export type RollupResult = { from: string | null; to: string | null; days: number; backfilled: boolean };

export async function runRollup(db: Database, now = new Date()): Promise<RollupResult> {
  const yesterday = addDays(utcDay(now), -1);
  let result: RollupResult = { from: null, to: null, days: 0, backfilled: false };
  for (;;) {
    const step = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_ID})`);
      const through = await rolledThrough(tx);
      let from: string;
      let backfill = false;
      if (through === null) {
        backfill = true;
        await backfillActivity(tx, dayStart(utcDay(now)));
        const oldest = await oldestDay(tx);
        if (oldest === null || oldest > yesterday) {
          await setState(tx, yesterday);
          return { from: null, to: null, days: 0, backfill };
        }
        from = oldest;
      } else {
        from = addDays(through, 1);
      }
      if (from > yesterday) return null;
      const lastOfChunk = addDays(from, CHUNK_DAYS - 1);
      const to = lastOfChunk < yesterday ? lastOfChunk : yesterday;
      await rollDays(tx, from, to);
      await setState(tx, to);
      return { from, to, days: (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1, backfill };
    });
    if (step === null) return result;
    result = {
      from: result.from ?? step.from,
      to: step.to ?? result.to,
      days: result.days + step.days,
      backfilled: result.backfilled || step.backfill,
    };
    if (step.to === null || step.to >= yesterday) return result;
  }
}

/** Replaces the rollup rows of days [from, to] with fresh aggregates of the raw tables. */
async function rollDays(tx: Queryable, from: string, to: string): Promise<void> {
  const start = dayStart(from);
  const end = dayStart(addDays(to, 1));
  const tables: [string, string, (s: Date, e: Date) => ReturnType<typeof messageSource>][] = [
    ["analytics_message_daily", COLUMNS.message, messageSource],
    ["analytics_ingest_daily", COLUMNS.ingest, ingestSource],
    ["analytics_sender_daily", COLUMNS.sender, senderSource],
    ["analytics_room_daily", COLUMNS.room, roomSource],
    ["analytics_task_daily", COLUMNS.task, taskSource],
  ];
  for (const [table, columns, source] of tables) {
    await tx.execute(sql`delete from ${sql.raw(table)} where day between ${from}::date and ${to}::date`);
    await tx.execute(sql`insert into ${sql.raw(table)} (${sql.raw(columns)}) select ${sql.raw(columns)} from (${source(start, end)}) s`);
  }
  // Every month these days fall in, summed again from its daily rows.
  const firstMonth = sql`date_trunc('month', ${from}::date)::date`;
  const afterLastMonth = sql`(date_trunc('month', ${to}::date) + interval '1 month')::date`;
  await tx.execute(sql`delete from analytics_sender_monthly where month >= ${firstMonth} and month < ${afterLastMonth}`);
  await tx.execute(sql`insert into analytics_sender_monthly (month, user_id, sender, count)
    select date_trunc('month', day)::date, user_id, sender, sum(count)::int from analytics_sender_daily
    where day >= ${firstMonth} and day < ${afterLastMonth} group by 1, 2, 3`);
}

async function setState(tx: Queryable, day: string): Promise<void> {
  await tx.execute(sql`insert into analytics_rollup_state (key, rolled_through, updated_at) values (${STATE_KEY}, ${day}::date, now())
    on conflict (key) do update set rolled_through = excluded.rolled_through, updated_at = now()`);
}

async function oldestDay(tx: Queryable): Promise<string | null> {
  const result = await tx.execute(sql`select to_char((least(
      (select min(created_at) from messages),
      (select min(created_at) from tasks),
      (select min(created_at) from room_messages)
    ) at time zone 'UTC')::date, 'YYYY-MM-DD') as day`);
  return (result.rows[0] as { day: string | null }).day;
}

/**
 * Activity is recorded as it happens (lib/analytics/activity.ts); for the
 * days before that, the backfill infers it from what people left behind:
 * audit-log entries they made, room messages they posted, tasks they created
 * or completed.
 */
async function backfillActivity(tx: Queryable, before: Date): Promise<void> {
  await tx.execute(sql`insert into analytics_user_activity (day, user_id, first_seen_at, last_seen_at)
    select (at at time zone 'UTC')::date, user_id, min(at), max(at) from (
      select actor_id as user_id, created_at as at from audit_log where actor_id is not null and created_at < ${before}
      union all select author_id, created_at from room_messages where created_at < ${before}
      union all select user_id, created_at from tasks where created_at < ${before}
      union all select coalesce(assignee_id, user_id), completed_at from tasks where completed_at < ${before}
    ) a
    where exists (select 1 from users u where u.id = a.user_id)
    group by 1, 2
    on conflict (day, user_id) do update set first_seen_at = least(analytics_user_activity.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(analytics_user_activity.last_seen_at, excluded.last_seen_at)`);
}

/** Records the current device-status counts in this hour's row (the latest snapshot of the hour wins). */
export async function snapshotDeviceStatus(db: Queryable, now = new Date()): Promise<void> {
  await db.execute(sql`insert into analytics_device_status (at, online, stale, offline)
    select date_trunc('hour', ${now}::timestamptz at time zone 'UTC') at time zone 'UTC', online, stale, offline from (${deviceStatusCounts(now)}) c
    on conflict (at) do update set online = excluded.online, stale = excluded.stale, offline = excluded.offline`);
}

/** Devices (not revoked) by status at `now`, as lib/devices/status.ts defines it. */
export function deviceStatusCounts(now: Date) {
  return sql`select
      (count(*) filter (where last_seen_at >= ${now}::timestamptz - interval '5 minutes'))::int as online,
      (count(*) filter (where last_seen_at < ${now}::timestamptz - interval '5 minutes' and last_seen_at >= ${now}::timestamptz - interval '1 hour'))::int as stale,
      (count(*) filter (where last_seen_at is null or last_seen_at < ${now}::timestamptz - interval '1 hour'))::int as offline
    from devices where revoked_at is null`;
}
