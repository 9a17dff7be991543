import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { splitRange, type Range } from "@/lib/analytics/range";
import { rolledThrough } from "@/lib/analytics/rollup";
import { COLUMNS, combined, messageSource, senderTotals } from "@/lib/analytics/sources";
import { fill, rows } from "@/lib/analytics/db-rows";
import { tasksReport } from "@/lib/analytics/tasks";

/**
 * A person's own patterns: their messages per day, their busiest senders,
 * their tasks completed per week and their on-time rate. Every query is
 * filtered to the caller's user id; there is no parameter to ask for anyone
 * else's.
 */
export async function insightsReport(db: Queryable, userId: string, range: Range) {
  const through = await rolledThrough(db);
  const split = splitRange(range, through);
  const mine = sql`user_id = ${userId}`;
  const m = combined(split, "analytics_message_daily", COLUMNS.message, messageSource, mine);
  const s = senderTotals(split, mine);
  const [perDay, senders, tasks] = await Promise.all([
    rows<{ day: string; count: number }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day, sum(count)::int as count from ${m} m group by 1`),
    rows<{ sender: string; count: number }>(db, sql`select sender, sum(count)::int as count from ${s} s group by 1 order by 2 desc, 1 limit 10`),
    tasksReport(db, range, { userId }),
  ]);
  const messagesPerDay = fill(range.days, "day", perDay, { count: 0 });
  return {
    section: "insights" as const,
    from: range.from,
    to: range.to,
    generatedAt: range.now.toISOString(),
    summary: {
      messages: messagesPerDay.reduce((sum, row) => sum + row.count, 0),
      tasksCompleted: tasks.summary.completed,
      completedWithDue: tasks.summary.completedWithDue,
      onTime: tasks.summary.onTime,
      onTimeRate: tasks.summary.onTimeRate,
    },
    charts: {
      messagesPerDay,
      busiestSenders: senders,
      tasksPerWeek: tasks.charts.perWeek.map((row) => ({ week: row.week, completed: row.completed })),
    },
  };
}
