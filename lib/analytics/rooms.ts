import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { splitRange, weeksOf, type Range } from "@/lib/analytics/range";
import { rolledThrough } from "@/lib/analytics/rollup";
import { COLUMNS, combined, roomSource } from "@/lib/analytics/sources";
import { fill, rows } from "@/lib/analytics/db-rows";
import { ROOM_SEVERITIES } from "@/lib/db/schema/rooms";

/**
 * Rooms: incidents opened (rooms created) and resolved (a status change to
 * resolved) per ISO week, hours from opening to resolution by severity for
 * incidents resolved in the range, and messages and distinct participants
 * per room and per week (people's messages; system entries excluded).
 */
const RESOLVED = sql`type = 'system' and data->>'event' = 'status_changed' and data->>'to' = 'resolved'`;

export async function roomsReport(db: Queryable, range: Range) {
  const through = await rolledThrough(db);
  const r = combined(splitRange(range, through), "analytics_room_daily", COLUMNS.room, roomSource);
  const week = (column: string) => sql.raw(`to_char(date_trunc('week', (${column})::timestamp), 'YYYY-MM-DD')`);
  const [opened, resolved, timeToResolve, perRoom, participants, totals, openNow] = await Promise.all([
    rows<{ week: string; count: number }>(db, sql`select ${week("created_at at time zone 'UTC'")} as week, count(*)::int as count from rooms where created_at >= ${range.start} and created_at < ${range.end} group by 1`),
    rows<{ week: string; count: number }>(db, sql`select ${week("created_at at time zone 'UTC'")} as week, count(*)::int as count from room_messages where ${RESOLVED} and created_at >= ${range.start} and created_at < ${range.end} group by 1`),
    rows<{ severity: string; resolved: number; avgHours: number; medianHours: number; maxHours: number }>(
      db,
      sql`select r.severity, count(*)::int as resolved,
          round(avg(h)::numeric, 2)::float8 as "avgHours",
          round((percentile_cont(0.5) within group (order by h))::numeric, 2)::float8 as "medianHours",
          round(max(h)::numeric, 2)::float8 as "maxHours"
        from (select r.id, r.severity, extract(epoch from (max(m.created_at) - r.created_at)) / 3600 as h
              from rooms r join room_messages m on m.room_id = r.id and m.type = 'system' and m.data->>'event' = 'status_changed' and m.data->>'to' = 'resolved'
              where r.status = 'resolved'
              group by r.id, r.severity, r.created_at
              having max(m.created_at) >= ${range.start} and max(m.created_at) < ${range.end}) r
        group by 1`,
    ),
    rows<{ roomId: string; room: string; severity: string; status: string; messages: number; participants: number }>(
      db,
      sql`select x.room_id as "roomId", r.title as room, r.severity, r.status, x.messages, x.participants from (
          select room_id, sum(count)::int as messages, count(distinct author_id)::int as participants from ${r} r group by room_id
        ) x join rooms r on r.id = x.room_id order by x.messages desc, r.title, x.room_id limit 20`,
    ),
    rows<{ week: string; participants: number; messages: number }>(
      db,
      sql`select ${week("day")} as week, count(distinct author_id)::int as participants, sum(count)::int as messages from ${r} r group by 1`,
    ),
    rows<{ messages: number; participants: number }>(db, sql`select coalesce(sum(count), 0)::int as messages, count(distinct author_id)::int as participants from ${r} r`),
    rows<{ count: number }>(db, sql`select count(*)::int as count from rooms where status <> 'resolved' and archived_at is null`),
  ]);
  const weeks = weeksOf(range.days);
  const openedBy = new Map(opened.map((row) => [row.week, row.count]));
  const resolvedBy = new Map(resolved.map((row) => [row.week, row.count]));
  const incidentsPerWeek = weeks.map((w) => ({ week: w, opened: openedBy.get(w) ?? 0, resolved: resolvedBy.get(w) ?? 0 }));
  return {
    section: "rooms" as const,
    from: range.from,
    to: range.to,
    generatedAt: range.now.toISOString(),
    rolledThrough: through,
    summary: {
      opened: opened.reduce((sum, row) => sum + row.count, 0),
      resolved: resolved.reduce((sum, row) => sum + row.count, 0),
      openNow: openNow[0]!.count,
      messages: totals[0]!.messages,
      participants: totals[0]!.participants,
    },
    charts: {
      incidentsPerWeek,
      timeToResolve: fill([...ROOM_SEVERITIES], "severity", timeToResolve, { resolved: 0, avgHours: 0, medianHours: 0, maxHours: 0 }),
      messagesPerRoom: perRoom,
      activeParticipants: fill(weeks, "week", participants, { participants: 0, messages: 0 }),
    },
  };
}
