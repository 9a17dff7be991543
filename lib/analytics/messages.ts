import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { splitRange, type Range } from "@/lib/analytics/range";
import { rolledThrough } from "@/lib/analytics/rollup";
import { COLUMNS, combined, ingestSource, messageSource, senderTotals } from "@/lib/analytics/sources";
import { fill, iso, rows } from "@/lib/analytics/db-rows";

/** Devices named in the by-device chart; the rest are summed as "Other devices". */
export const BUSIEST_DEVICES = 10;

/**
 * Messages: volume per day by type and by device, top senders and ingest
 * latency over the range (rollups plus today's raw rows), and the unread
 * backlog as it stands now.
 */
export async function messagesReport(db: Queryable, range: Range) {
  const through = await rolledThrough(db);
  const split = splitRange(range, through);
  const m = combined(split, "analytics_message_daily", COLUMNS.message, messageSource);
  const s = senderTotals(split);
  const i = combined(split, "analytics_ingest_daily", COLUMNS.ingest, ingestSource);
  const now = range.now;
  // Each query groups the rollup rows first and formats only the groups.
  const [byTypeRows, byDevice, topSenders, ingest, unreadByUser] = await Promise.all([
    rows<{ day: string; type: string; count: number; latencyMs: number }>(
      db,
      sql`select to_char(day, 'YYYY-MM-DD') as day, type, count, "latencyMs"
        from (select day, type, sum(count)::int as count, sum(latency_ms_sum)::float8 as "latencyMs" from ${m} m group by 1, 2) x order by 1, 2`,
    ),
    // The ten busiest devices of the range by name; the rest folded into one
    // "Other devices" row per day (deviceId null), so a fleet of phones over
    // a year stays a chart, not tens of thousands of rows.
    rows<{ day: string; deviceId: string | null; device: string; count: number }>(
      db,
      sql`with per_day as (select day, device_id, sum(count)::int as count from ${m} m group by 1, 2),
          busiest as (select device_id from per_day group by 1 order by sum(count) desc, device_id limit ${BUSIEST_DEVICES})
        select to_char(p.day, 'YYYY-MM-DD') as day, b.device_id as "deviceId",
          case when b.device_id is null then 'Other devices' else coalesce(d.name, case when b.device_id = '' then 'No device' else 'Removed device' end) end as device,
          sum(p.count)::int as count
        from per_day p left join busiest b on b.device_id = p.device_id left join devices d on d.id = b.device_id
        group by p.day, b.device_id, d.name
        order by 1, 4 desc, 2 nulls last`,
    ),
    rows<{ sender: string; count: number }>(db, sql`select sender, sum(count)::int as count from ${s} s group by 1 order by 2 desc, 1 limit 10`),
    // float8, not int: a phone forwarding its history reports messages
    // received months before they arrive, past int's 24.8 days of ms.
    rows<{ day: string; count: number; p50Ms: number; p95Ms: number; maxMs: number }>(
      db,
      sql`select to_char(day, 'YYYY-MM-DD') as day, count, round(p50_ms)::float8 as "p50Ms", round(p95_ms)::float8 as "p95Ms", round(max_ms)::float8 as "maxMs" from ${i} i order by 1`,
    ),
    // The unread backlog per person, by age: one pass over the partial unread index.
    rows<{ userId: string; user: string; email: string; unread: number; day: number; week: number; older: number; oldest: Date | string }>(
      db,
      sql`select u.id as "userId", u.name as user, u.email, x.unread, x.day, x.week, x.older, x.oldest from (
          select user_id, count(*)::int as unread,
            (count(*) filter (where received_at >= ${now}::timestamptz - interval '1 day'))::int as day,
            (count(*) filter (where received_at < ${now}::timestamptz - interval '1 day' and received_at >= ${now}::timestamptz - interval '7 days'))::int as week,
            (count(*) filter (where received_at < ${now}::timestamptz - interval '7 days'))::int as older,
            min(received_at) as oldest
          from messages where read_at is null and deleted_at is null group by user_id
        ) x join users u on u.id = x.user_id order by x.unread desc, u.id`,
    ),
  ]);

  const byType = byTypeRows.map(({ day, type, count }) => ({ day, type, count }));
  const latencyByDay = new Map<string, { count: number; latencyMs: number }>();
  for (const row of byTypeRows) {
    const sums = latencyByDay.get(row.day) ?? { count: 0, latencyMs: 0 };
    sums.count += row.count;
    sums.latencyMs += row.latencyMs;
    latencyByDay.set(row.day, sums);
  }
  const avgByDay = new Map([...latencyByDay].map(([day, sums]) => [day, sums.count === 0 ? 0 : Math.round(sums.latencyMs / sums.count)]));
  const latencySum = byTypeRows.reduce((sum, row) => sum + row.latencyMs, 0);
  const total = byType.reduce((sum, row) => sum + row.count, 0);
  const latencyCount = ingest.reduce((sum, row) => sum + row.count, 0);
  const unread = unreadByUser.reduce((sum, row) => ({ total: sum.total + row.unread, day: sum.day + row.day, week: sum.week + row.week, older: sum.older + row.older }), {
    total: 0,
    day: 0,
    week: 0,
    older: 0,
  });
  const perDay = fill(range.days, "day", byType.reduce<{ day: string; count: number }[]>((out, row) => {
    const last = out.at(-1);
    if (last && last.day === row.day) last.count += row.count;
    else out.push({ day: row.day, count: row.count });
    return out;
  }, []), { count: 0 });
  return {
    section: "messages" as const,
    from: range.from,
    to: range.to,
    generatedAt: now.toISOString(),
    rolledThrough: through,
    summary: {
      total,
      perDayAverage: Math.round((total / range.days.length) * 100) / 100,
      busiestDay: perDay.reduce<{ day: string; count: number } | null>((best, row) => (row.count > 0 && (!best || row.count > best.count) ? row : best), null),
      ingestLatencyAvgMs: latencyCount === 0 ? null : Math.round(latencySum / latencyCount),
      unread: unread.total,
    },
    charts: {
      perDay,
      byType,
      byDevice,
      topSenders,
      ingestLatency: ingest.map((row) => ({ day: row.day, count: row.count, avgMs: avgByDay.get(row.day) ?? 0, p50Ms: row.p50Ms, p95Ms: row.p95Ms, maxMs: row.maxMs })),
      unreadByAge: [
        { age: "Under a day", count: unread.day },
        { age: "1–7 days", count: unread.week },
        { age: "Over a week", count: unread.older },
      ],
      unreadByUser: unreadByUser.slice(0, 10).map((row) => ({ userId: row.userId, user: row.user, email: row.email, unread: row.unread, oldestUnreadAt: iso(row.oldest) })),
    },
  };
}
