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
  const [perWeek, perDay, byUser, totals] = await Promise.all([
    rows<{ week: string; created: number; completed: number }>(
      db,
      sql`select to_char(date_trunc('week', day::timestamp), 'YYYY-MM-DD') as week, sum(created)::int as created, sum(completed)::int as completed from ${t} t group by 1`,
    ),
    rows<{ day: string; overdue: number }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day, sum(overdue)::int as overdue from ${t} t group by 1`),
    rows<{ userId: string; user: string | null; created: number; completed: number; withDue: number; onTime: number }>(
      db,
      sql`select t.user_id as "userId", u.name as user, sum(created)::int as created, sum(completed)::int as completed,
          sum(completed_with_due)::int as "withDue", sum(completed_on_time)::int as "onTime"
        from ${t} t left join users u on u.id = t.user_id
        group by 1, 2 having sum(completed) > 0 or sum(created) > 0
        order by 5 desc, 4 desc, 2, 1 limit 50`,
    ),
    rows<{ withDue: number; onTime: number }>(db, sql`select coalesce(sum(completed_with_due), 0)::int as "withDue", coalesce(sum(completed_on_time), 0)::int as "onTime" from ${t} t`),
  ]);
  const created = perWeek.reduce((sum, row) => sum + row.created, 0);
  const completed = perWeek.reduce((sum, row) => sum + row.completed, 0);
  const { withDue, onTime } = totals[0]!;
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
      onTimeByAssignee: byUser
        .filter((row) => row.completed > 0)
        .map((row) => ({ userId: row.userId, user: row.user ?? "Deleted user", completed: row.completed, withDue: row.withDue, onTime: row.onTime, onTimeRate: ratio(row.onTime, row.withDue) })),
    },
  };
}
