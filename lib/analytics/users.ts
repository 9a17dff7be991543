import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { splitRange, type Range } from "@/lib/analytics/range";
import { rolledThrough } from "@/lib/analytics/rollup";
import { COLUMNS, combined, messageSource, roomSource, taskSource } from "@/lib/analytics/sources";
import { fill, rows } from "@/lib/analytics/db-rows";

/**
 * Users: daily and weekly active users (weekly: distinct people active in
 * the seven days ending that day), sign-ins and failed sign-ins per day from
 * the audit log, and the most active people: by days active, then by what
 * they did (messages ingested, room messages, tasks completed).
 */
export async function usersReport(db: Queryable, range: Range) {
  const through = await rolledThrough(db);
  const split = splitRange(range, through);
  const m = combined(split, "analytics_message_daily", COLUMNS.message, messageSource);
  const r = combined(split, "analytics_room_daily", COLUMNS.room, roomSource);
  const t = combined(split, "analytics_task_daily", COLUMNS.task, taskSource);
  const [active, signIns, mostActive, counts] = await Promise.all([
    rows<{ day: string; dau: number; wau: number }>(
      db,
      sql`select to_char(g::date, 'YYYY-MM-DD') as day,
          (select count(*) from analytics_user_activity a where a.day = g::date)::int as dau,
          (select count(distinct a.user_id) from analytics_user_activity a where a.day between g::date - 6 and g::date)::int as wau
        from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') g order by 1`,
    ),
    rows<{ day: string; signIns: number; failed: number }>(
      db,
      sql`select to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day,
          (count(*) filter (where action = 'auth.sign_in'))::int as "signIns", (count(*) filter (where action = 'auth.sign_in_failed'))::int as failed
        from audit_log where action in ('auth.sign_in', 'auth.sign_in_failed') and created_at >= ${range.start} and created_at < ${range.end}
        group by 1`,
    ),
    rows<{ userId: string; user: string; email: string; activeDays: number; messages: number; roomMessages: number; tasksCompleted: number }>(
      db,
      sql`select u.id as "userId", u.name as user, u.email,
          coalesce(a.days, 0)::int as "activeDays", coalesce(m.count, 0)::int as messages, coalesce(r.count, 0)::int as "roomMessages", coalesce(t.count, 0)::int as "tasksCompleted"
        from users u
        left join (select user_id, count(*) as days from analytics_user_activity where day between ${range.from}::date and ${range.to}::date group by 1) a on a.user_id = u.id
        left join (select user_id, sum(count) as count from ${m} m group by 1) m on m.user_id = u.id
        left join (select author_id, sum(count) as count from ${r} r group by 1) r on r.author_id = u.id
        left join (select user_id, sum(completed) as count from ${t} t group by 1) t on t.user_id = u.id
        where coalesce(a.days, 0) + coalesce(m.count, 0) + coalesce(r.count, 0) + coalesce(t.count, 0) > 0
        order by 4 desc, (coalesce(m.count, 0) + coalesce(r.count, 0) + coalesce(t.count, 0)) desc, u.name, u.id
        limit 10`,
    ),
    rows<{ users: number; activeInRange: number }>(
      db,
      sql`select (select count(*) from users where deactivated_at is null)::int as users,
          (select count(distinct user_id) from analytics_user_activity where day between ${range.from}::date and ${range.to}::date)::int as "activeInRange"`,
    ),
  ]);
  const signInsPerDay = fill(range.days, "day", signIns, { signIns: 0, failed: 0 });
  const last = active.at(-1);
  return {
    section: "users" as const,
    from: range.from,
    to: range.to,
    generatedAt: range.now.toISOString(),
    rolledThrough: through,
    summary: {
      users: counts[0]!.users,
      activeInRange: counts[0]!.activeInRange,
      dau: last?.dau ?? 0,
      wau: last?.wau ?? 0,
      signIns: signInsPerDay.reduce((sum, row) => sum + row.signIns, 0),
      failedSignIns: signInsPerDay.reduce((sum, row) => sum + row.failed, 0),
    },
    charts: { activeUsers: active, signIns: signInsPerDay, mostActive },
  };
}
