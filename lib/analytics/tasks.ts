import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { splitRange, weeksOf, type Range } from "@/lib/analytics/range";
import { rolledThrough } from "@/lib/analytics/rollup";
import { COLUMNS, combined, taskSource } from "@/lib/analytics/sources";
import { fill, ratio, rows } from "@/lib/analytics/db-rows";

/**
 * Tasks, attributed to the person responsible (the assignee, else the
 * owner): created and completed per ISO week, the completion rate (completed
 * ÷ created in the range), how many were overdue at the end of each day (now,
 * for today), and the on-time rate per person: completions with a due date
 * that were done by it.
 */
export async function tasksReport(db: Queryable, range: Range, options: { userId?: string } = {}) {
  const through = await rolledThrough(db);
  const where: SQL = options.userId ? sql`user_id = ${options.userId}` : sql`true`;
  const t = combined(splitRange(range, through), "analytics_task_daily", COLUMNS.task, taskSource, where);
  // One pass over the task rows (the live part scans tasks for today's
  // overdue count, so it runs once, not once per chart): per ISO week (g = 3),
  // per day (g = 5), per person (g = 6) and the whole range (g = 7).
  const grouped = await rows<{ g: number; week: string | null; day: string | null; userId: string | null; created: number; completed: number; withDue: number; onTime: number; overdue: number }>(
    db,
    sql`select grouping(date_trunc('week', day::timestamp), day, user_id) as g,
        to_char(date_trunc('week', day::timestamp), 'YYYY-MM-DD') as week, to_char(day, 'YYYY-MM-DD') as day, user_id as "userId",
        sum(created)::int as created, sum(completed)::int as completed, sum(completed_with_due)::int as "withDue",
        sum(completed_on_time)::int as "onTime", sum(overdue)::int as overdue
      from ${t} t group by grouping sets ((date_trunc('week', day::timestamp)), (day), (user_id), ())`,
  );
  const perWeek = grouped.filter((row) => row.g === 3).map((row) => ({ week: row.week!, created: row.created, completed: row.completed }));
  const perDay = grouped.filter((row) => row.g === 5).map((row) => ({ day: row.day!, overdue: row.overdue }));
  const people = grouped.filter((row) => row.g === 6 && row.completed > 0);
  const names = people.length === 0 ? [] : await rows<{ id: string; name: string }>(db, sql`select id, name from users where id in ${people.map((row) => row.userId!)}`);
  const nameOf = new Map(names.map((row) => [row.id, row.name]));
  const byUser = people
    .map((row) => ({ userId: row.userId!, user: nameOf.get(row.userId!) ?? null, created: row.created, completed: row.completed, withDue: row.withDue, onTime: row.onTime }))
    .sort((a, b) => b.withDue - a.withDue || b.completed - a.completed || compareNames(a.user, b.user) || compareNames(a.userId, b.userId))
    .slice(0, 50);
  // The empty grouping set yields its row even over no rows, with null sums.
  const whole = grouped.find((row) => row.g === 7);
  const created = perWeek.reduce((sum, row) => sum + row.created, 0);
  const completed = perWeek.reduce((sum, row) => sum + row.completed, 0);
  const withDue = whole?.withDue ?? 0;
  const onTime = whole?.onTime ?? 0;
  const overdue = fill(range.days, "day", perDay, { overdue: 0 });
  return {
    from: range.from,
    to: range.to,
    generatedAt: range.now.toISOString(),
    rolledThrough: through,
    summary: { created, completed, completionRate: ratio(completed, created), completedWithDue: withDue, onTime, onTimeRate: ratio(onTime, withDue), overdueAtEnd: overdue.at(-1)?.overdue ?? 0 },
    charts: {
      perWeek: fill(weeksOf(range.days), "week", perWeek, { created: 0, completed: 0 }),
      overdue,
      onTimeByAssignee: byUser.map((row) => ({ userId: row.userId, user: row.user ?? "Deleted user", completed: row.completed, withDue: row.withDue, onTime: row.onTime, onTimeRate: ratio(row.onTime, row.withDue) })),
    },
  };
}

/** Byte order (the database's C collation), a deleted user (no name) last, as an ascending ORDER BY puts nulls. */
function compareNames(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
