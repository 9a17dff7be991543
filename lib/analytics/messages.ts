import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { splitRange, type Range } from "@/lib/analytics/range";
import { rolledThrough } from "@/lib/analytics/rollup";
import { COLUMNS, combined, ingestSource, messageSource, senderSource } from "@/lib/analytics/sources";
import { fill, iso, rows } from "@/lib/analytics/db-rows";

/**
 * Messages: volume per day by type and by device, top senders and ingest
 * latency over the range (rollups plus today's raw rows), and the unread
 * backlog as it stands now.
 */
export async function messagesReport(db: Queryable, range: Range) {
  const through = await rolledThrough(db);
  const split = splitRange(range, through);
  const m = combined(split, "analytics_message_daily", COLUMNS.message, messageSource);
  const s = combined(split, "analytics_sender_daily", COLUMNS.sender, senderSource);
  const i = combined(split, "analytics_ingest_daily", COLUMNS.ingest, ingestSource);
  const now = range.now;
  const [byType, byDevice, topSenders, ingest, averages, unreadRows, unreadByUser] = await Promise.all([
    rows<{ day: string; type: string; count: number }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day, type, sum(count)::int as count from ${m} m group by 1, 2 order by 1, 2`),
    rows<{ day: string; deviceId: string; device: string; count: number }>(
      db,
      sql`select to_char(m.day, 'YYYY-MM-DD') as day, m.device_id as "deviceId",
          coalesce(d.name, case when m.device_id = '' then 'No device' else 'Removed device' end) as device, sum(m.count)::int as count
        from ${m} m left join devices d on d.id = m.device_id
        group by 1, 2, 3 order by 1, 4 desc, 2`,
    ),
    rows<{ sender: string; count: number }>(db, sql`select sender, sum(count)::int as count from ${s} s group by 1 order by 2 desc, 1 limit 10`),
    rows<{ day: string; count: number; p50Ms: number; p95Ms: number; maxMs: number }>(
      db,
      sql`select to_char(day, 'YYYY-MM-DD') as day, count, round(p50_ms)::int as "p50Ms", round(p95_ms)::int as "p95Ms", round(max_ms)::int as "maxMs" from ${i} i order by 1`,
    ),
    rows<{ day: string; avgMs: number }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day, round(sum(latency_ms_sum)::numeric / nullif(sum(count), 0))::int as "avgMs" from ${m} m group by 1`),
    rows<{ total: number; day: number; week: number; older: number }>(
      db,
      sql`select count(*)::int as total,
          (count(*) filter (where received_at >= ${now}::timestamptz - interval '1 day'))::int as day,
          (count(*) filter (where received_at < ${now}::timestamptz - interval '1 day' and received_at >= ${now}::timestamptz - interval '7 days'))::int as week,
          (count(*) filter (where received_at < ${now}::timestamptz - interval '7 days'))::int as older
        from messages where read_at is null and deleted_at is null`,
    ),
    rows<{ userId: string; user: string; email: string; unread: number; oldest: Date | string }>(
      db,
      sql`select u.id as "userId", u.name as user, u.email, x.unread, x.oldest from (
          select user_id, count(*)::int as unread, min(received_at) as oldest from messages where read_at is null and deleted_at is null group by user_id
        ) x join users u on u.id = x.user_id order by x.unread desc, u.id limit 10`,
    ),
  ]);

  const avgByDay = new Map(averages.map((row) => [row.day, row.avgMs]));
  const total = byType.reduce((sum, row) => sum + row.count, 0);
  const latencyCount = ingest.reduce((sum, row) => sum + row.count, 0);
  const latencySum = await rows<{ sum: number | null }>(db, sql`select sum(latency_ms_sum)::float8 as sum from ${m} m`);
  const unread = unreadRows[0]!;
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
      ingestLatencyAvgMs: latencyCount === 0 ? null : Math.round((latencySum[0]?.sum ?? 0) / latencyCount),
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
      unreadByUser: unreadByUser.map((row) => ({ userId: row.userId, user: row.user, email: row.email, unread: row.unread, oldestUnreadAt: iso(row.oldest) })),
    },
  };
}
