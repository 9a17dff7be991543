import { sql, type SQL } from "drizzle-orm";
import { addDays, type Split } from "@/lib/analytics/range";

/**
 * The raw-table aggregations behind each rollup table. The rollup job
 * inserts exactly these rows for closed days; the endpoints run the same
 * SQL over the part of a range the rollups do not cover yet (today), so the
 * two halves always agree. Every source yields the rollup table's columns.
 * `start`/`end` bound the window: [start, end).
 */
const day = (column: SQL) => sql`((${column}) at time zone 'UTC')::date`;

/** Inbox messages, counted on the UTC day the hub ingested them (created_at), deleted ones included. */
export function messageSource(start: Date, end: Date): SQL {
  return sql`select ${day(sql`created_at`)} as day, user_id, coalesce(device_id, '') as device_id, type, count(*)::int as count,
      coalesce(sum(greatest(0, (extract(epoch from created_at - received_at) * 1000)::bigint)), 0)::bigint as latency_ms_sum
    from messages where created_at >= ${start} and created_at < ${end}
    group by 1, 2, 3, 4`;
}

export function ingestSource(start: Date, end: Date): SQL {
  return sql`select day, count(*)::int as count,
      percentile_cont(0.5) within group (order by latency_ms)::float8 as p50_ms,
      percentile_cont(0.95) within group (order by latency_ms)::float8 as p95_ms,
      max(latency_ms)::float8 as max_ms
    from (select ${day(sql`created_at`)} as day, greatest(0, extract(epoch from created_at - received_at) * 1000)::float8 as latency_ms
      from messages where created_at >= ${start} and created_at < ${end}) m
    group by 1`;
}

export function senderSource(start: Date, end: Date): SQL {
  return sql`select ${day(sql`created_at`)} as day, user_id, sender, count(*)::int as count
    from messages where created_at >= ${start} and created_at < ${end}
    group by 1, 2, 3`;
}

export function roomSource(start: Date, end: Date): SQL {
  return sql`select ${day(sql`created_at`)} as day, room_id, author_id, count(*)::int as count
    from room_messages where created_at >= ${start} and created_at < ${end} and type <> 'system'
    group by 1, 2, 3`;
}

/**
 * Tasks per day and responsible user. A task is overdue at a moment when it
 * had a due date before it, existed, and was not yet completed, skipped or
 * deleted. For each day the moment is the day's end, or `end` when that is
 * earlier (today: overdue now).
 */
export function taskSource(start: Date, end: Date): SQL {
  return sql`select day, user_id, sum(created)::int as created, sum(completed)::int as completed,
      sum(completed_with_due)::int as completed_with_due, sum(completed_on_time)::int as completed_on_time, sum(overdue)::int as overdue
    from (
      select ${day(sql`created_at`)} as day, coalesce(assignee_id, user_id) as user_id, 1 as created, 0 as completed, 0 as completed_with_due, 0 as completed_on_time, 0 as overdue
        from tasks where created_at >= ${start} and created_at < ${end}
      union all
      select ${day(sql`completed_at`)}, coalesce(assignee_id, user_id), 0, 1, (due_at is not null)::int, (due_at is not null and completed_at <= due_at)::int, 0
        from tasks where completed_at >= ${start} and completed_at < ${end}
      union all
      select d.day, s.user_id, 0, 0, 0, 0, 1
        from (select g::date as day, least((g + interval '1 day') at time zone 'UTC', ${end}::timestamptz) as at
              from generate_series((${start}::timestamptz at time zone 'UTC')::date, ((${end}::timestamptz - interval '1 microsecond') at time zone 'UTC')::date, interval '1 day') g) d
        join (select coalesce(assignee_id, user_id) as user_id, greatest(due_at, created_at) as since, least(completed_at, skipped_at, deleted_at) as until
              from tasks where due_at is not null and due_at < ${end}
                and (coalesce(completed_at, skipped_at, deleted_at) is null or least(completed_at, skipped_at, deleted_at) > ${start})) s
          on s.since < d.at and (s.until is null or s.until >= d.at)
    ) x
    group by 1, 2`;
}

/**
 * A rollup table's rows for the rolled part of a split, plus the source's
 * rows for the live part: one derived table with the same columns.
 */
export function combined(split: Split, table: string, columns: string, source: (start: Date, end: Date) => SQL, where: SQL = sql`true`): SQL {
  const parts: SQL[] = [];
  if (split.rolled) parts.push(sql`select ${sql.raw(columns)} from ${sql.raw(table)} where day between ${split.rolled.from}::date and ${split.rolled.to}::date and ${where}`);
  if (split.live) parts.push(sql`select ${sql.raw(columns)} from (${source(split.live.start, split.live.end)}) live where ${where}`);
  if (parts.length === 0) parts.push(sql`select ${sql.raw(columns)} from ${sql.raw(table)} where false`);
  return sql`(${sql.join(parts, sql` union all `)})`;
}

/**
 * Senders over a split: whole calendar months of the rolled part from the
 * monthly table, its partial months at either end from the daily one, and
 * the live part from the raw rows. Columns: user_id, sender, count.
 */
export function senderTotals(split: Split, where: SQL = sql`true`): SQL {
  const parts: SQL[] = [];
  if (split.rolled) {
    const { from, to } = split.rolled;
    const firstWhole = from.endsWith("-01") ? from : firstOfNextMonth(from);
    const lastWhole = lastOfMonth(to) === to ? to : addDays(firstOfMonth(to), -1);
    if (firstWhole <= lastWhole) {
      parts.push(sql`select user_id, sender, count from analytics_sender_monthly where month between ${firstWhole}::date and ${firstOfMonth(lastWhole)}::date and ${where}`);
      if (from < firstWhole) parts.push(sql`select user_id, sender, count from analytics_sender_daily where day between ${from}::date and ${addDays(firstWhole, -1)}::date and ${where}`);
      if (lastWhole < to) parts.push(sql`select user_id, sender, count from analytics_sender_daily where day between ${addDays(lastWhole, 1)}::date and ${to}::date and ${where}`);
    } else {
      parts.push(sql`select user_id, sender, count from analytics_sender_daily where day between ${from}::date and ${to}::date and ${where}`);
    }
  }
  if (split.live) parts.push(sql`select user_id, sender, count from (${senderSource(split.live.start, split.live.end)}) live where ${where}`);
  if (parts.length === 0) parts.push(sql`select user_id, sender, count from analytics_sender_daily where false`);
  return sql`(${sql.join(parts, sql` union all `)})`;
}

const firstOfMonth = (day: string) => `${day.slice(0, 7)}-01`;
/** The first day of the month after `day`'s: 32 days past the 1st always lands in the next month. */
const firstOfNextMonth = (day: string) => firstOfMonth(addDays(firstOfMonth(day), 32));
const lastOfMonth = (day: string) => addDays(firstOfNextMonth(day), -1);

export const COLUMNS = {
  message: "day, user_id, device_id, type, count, latency_ms_sum",
  ingest: "day, count, p50_ms, p95_ms, max_ms",
  sender: "day, user_id, sender, count",
  room: "day, room_id, author_id, count",
  task: "day, user_id, created, completed, completed_with_due, completed_on_time, overdue",
} as const;
