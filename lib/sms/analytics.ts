import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Database } from "@/lib/db/client";
import { smsUsage } from "@/lib/db/schema/sms";
import { users } from "@/lib/db/schema/users";

/**
 * SMS usage over a UTC date range, grouped by day or by user. Admins see
 * every user (and the unrouted traffic of unknown senders); members see
 * their own rows only. Every figure comes from the one filtered set, so the
 * groups add up to the totals.
 */
export type SmsAnalyticsQuery = { from?: string; to?: string; groupBy: "day" | "user" };

const DAY_MS = 86_400_000;

const figures = {
  count: sql<number>`count(*)::int`,
  inbound: sql<number>`(count(*) filter (where ${smsUsage.direction} = 'inbound'))::int`,
  outbound: sql<number>`(count(*) filter (where ${smsUsage.direction} = 'outbound'))::int`,
  segments: sql<number>`coalesce(sum(${smsUsage.segments}), 0)::int`,
  cost: sql<number>`coalesce(sum(${smsUsage.price}), 0)::float8`,
};

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

export async function smsAnalytics(db: Database, actor: Actor, query: SmsAnalyticsQuery) {
  const to = query.to ?? new Date().toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
  const isAdmin = actor.role === "admin";
  const where: SQL = and(
    gte(smsUsage.createdAt, new Date(`${from}T00:00:00Z`)),
    lt(smsUsage.createdAt, new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS)),
    isAdmin ? undefined : eq(smsUsage.userId, actor.userId),
  )!;

  const day = sql<string>`to_char(${smsUsage.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const [totalsRows, groupRows, topSenders, failures] = await Promise.all([
    db
      .select({
        ...figures,
        unknownSender: sql<number>`(count(*) filter (where ${smsUsage.outcome} = 'unknown_sender'))::int`,
        invalidSignature: sql<number>`(count(*) filter (where ${smsUsage.outcome} = 'invalid_signature'))::int`,
        errors: sql<number>`(count(*) filter (where ${smsUsage.outcome} = 'error'))::int`,
        latencyP50Ms: sql<number | null>`percentile_cont(0.5) within group (order by ${smsUsage.latencyMs}) filter (where ${smsUsage.direction} = 'inbound' and ${smsUsage.latencyMs} is not null)`,
        latencyP95Ms: sql<number | null>`percentile_cont(0.95) within group (order by ${smsUsage.latencyMs}) filter (where ${smsUsage.direction} = 'inbound' and ${smsUsage.latencyMs} is not null)`,
      })
      .from(smsUsage)
      .where(where),
    query.groupBy === "day"
      ? db.select({ key: day, ...figures }).from(smsUsage).where(where).groupBy(day).orderBy(day)
      : db
          .select({ key: smsUsage.userId, name: users.name, email: users.email, ...figures })
          .from(smsUsage)
          .leftJoin(users, eq(users.id, smsUsage.userId))
          .where(where)
          .groupBy(smsUsage.userId, users.name, users.email)
          .orderBy(desc(figures.cost), smsUsage.userId),
    db
      .select({ number: smsUsage.number, count: figures.count, unknown: sql<number>`(count(*) filter (where ${smsUsage.outcome} = 'unknown_sender'))::int` })
      .from(smsUsage)
      .where(and(where, eq(smsUsage.direction, "inbound"), sql`${smsUsage.outcome} in ('routed', 'unknown_sender')`))
      .groupBy(smsUsage.number)
      .orderBy(desc(figures.count), smsUsage.number)
      .limit(10),
    db
      .select({ createdAt: smsUsage.createdAt, direction: smsUsage.direction, number: smsUsage.number, outcome: smsUsage.outcome, error: smsUsage.error })
      .from(smsUsage)
      .where(and(where, sql`${smsUsage.outcome} in ('error', 'invalid_signature')`))
      .orderBy(desc(smsUsage.createdAt))
      .limit(20),
  ]);

  const totals = totalsRows[0]!;
  return {
    from,
    to,
    groupBy: query.groupBy,
    totals: {
      count: totals.count,
      inbound: totals.inbound,
      outbound: totals.outbound,
      segments: totals.segments,
      cost: round(totals.cost),
      unknownSender: totals.unknownSender,
      invalidSignature: totals.invalidSignature,
      errors: totals.errors,
      errorRate: totals.count === 0 ? 0 : round(totals.errors / totals.count),
      latencyP50Ms: totals.latencyP50Ms === null ? null : Math.round(Number(totals.latencyP50Ms)),
      latencyP95Ms: totals.latencyP95Ms === null ? null : Math.round(Number(totals.latencyP95Ms)),
    },
    groups: groupRows.map((row) => ({
      key: row.key ?? "unrouted",
      ...("name" in row ? { name: (row.name as string | null) ?? (row.key ? null : "Unknown senders"), email: (row.email as string | null) ?? null } : {}),
      count: row.count,
      inbound: row.inbound,
      outbound: row.outbound,
      segments: row.segments,
      cost: round(row.cost),
    })),
    topSenders,
    failures: failures.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
  };
}
