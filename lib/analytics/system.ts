import client from "prom-client";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import type { Range } from "@/lib/analytics/range";
import { rows } from "@/lib/analytics/db-rows";
import { listQueues } from "@/lib/jobs/admin";

/**
 * System health, read from this process's own prom-client registry (no
 * Prometheus server needed) and from pg-boss's tables. HTTP and socket
 * figures cover the instance that answers, since it started; the sampler
 * below keeps a minute-by-minute history of the last two hours of them.
 */
const HTTP_METRIC = "hub_http_request_duration_seconds";
const SOCKET_METRIC = "hub_socket_connections";
const SAMPLE_MS = 60_000;
const KEEP_SAMPLES = 120;

type Sample = { at: number; requests: number; errors: number; sockets: number };
const KEY = Symbol.for("message-hub.analytics-sampler");
type Holder = { [KEY]?: { samples: Sample[]; timer: NodeJS.Timeout } };

type Series = { labels: Record<string, string | number>; value: number; metricName?: string };

async function metricValues(name: string): Promise<Series[]> {
  const metric = client.register.getSingleMetric(name);
  if (!metric) return [];
  return ((await metric.get()).values ?? []) as Series[];
}

async function takeSample(): Promise<Sample> {
  const [http, sockets] = await Promise.all([metricValues(HTTP_METRIC), metricValues(SOCKET_METRIC)]);
  let requests = 0;
  let errors = 0;
  for (const value of http) {
    if (value.metricName !== `${HTTP_METRIC}_count`) continue;
    requests += value.value;
    if (Number(value.labels.status) >= 500) errors += value.value;
  }
  return { at: Date.now(), requests, errors, sockets: sockets.reduce((sum, value) => sum + value.value, 0) };
}

/** Starts the once-a-minute sampler (idempotent; the timer never keeps the process alive). */
export function startSystemSampler(): void {
  const holder = globalThis as Holder;
  if (holder[KEY]) return;
  const state = { samples: [] as Sample[], timer: setInterval(() => void sample(), SAMPLE_MS) };
  state.timer.unref();
  holder[KEY] = state;
  const sample = async () => {
    state.samples.push(await takeSample());
    if (state.samples.length > KEEP_SAMPLES) state.samples.splice(0, state.samples.length - KEEP_SAMPLES);
  };
  void sample();
}

export function stopSystemSampler(): void {
  const holder = globalThis as Holder;
  if (holder[KEY]) clearInterval(holder[KEY].timer);
  delete holder[KEY];
}

/** Prometheus's histogram_quantile over cumulative buckets (le → count), in the buckets' unit. */
export function histogramQuantile(q: number, buckets: [number, number][]): number | null {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return previousBound;
      if (count === previousCount) return bound;
      return previousBound + ((bound - previousBound) * (rank - previousCount)) / (count - previousCount);
    }
    previousBound = bound;
    previousCount = count;
  }
  return previousBound;
}

export async function routeStats() {
  const values = await metricValues(HTTP_METRIC);
  const routes = new Map<string, { requests: number; errors: number; clientErrors: number; buckets: Map<number, number> }>();
  const overall = new Map<number, number>();
  for (const value of values) {
    const route = String(value.labels.route ?? "unknown");
    const entry = routes.get(route) ?? { requests: 0, errors: 0, clientErrors: 0, buckets: new Map() };
    routes.set(route, entry);
    if (value.metricName === `${HTTP_METRIC}_count`) {
      entry.requests += value.value;
      const status = Number(value.labels.status);
      if (status >= 500) entry.errors += value.value;
      else if (status >= 400) entry.clientErrors += value.value;
    } else if (value.metricName === `${HTTP_METRIC}_bucket`) {
      const le = value.labels.le === "+Inf" ? Infinity : Number(value.labels.le);
      entry.buckets.set(le, (entry.buckets.get(le) ?? 0) + value.value);
      overall.set(le, (overall.get(le) ?? 0) + value.value);
    }
  }
  const p95 = (buckets: Map<number, number>) => {
    const seconds = histogramQuantile(0.95, [...buckets.entries()]);
    return seconds === null ? null : Math.round(seconds * 10_000) / 10;
  };
  const list = [...routes.entries()]
    .filter(([, entry]) => entry.requests > 0)
    .map(([route, entry]) => ({
      route,
      requests: entry.requests,
      serverErrors: entry.errors,
      clientErrors: entry.clientErrors,
      errorRate: Math.round((entry.errors / entry.requests) * 10_000) / 10_000,
      p95Ms: p95(entry.buckets),
    }))
    .sort((a, b) => b.requests - a.requests || a.route.localeCompare(b.route));
  return { routes: list, p95Ms: p95(overall) };
}

export async function systemReport(db: Queryable, range: Range) {
  const holder = globalThis as Holder;
  const current = await takeSample();
  const samples = [...(holder[KEY]?.samples ?? []), current];
  const requestRate = samples.slice(1).map((sample, index) => {
    const previous = samples[index]!;
    const minutes = Math.max((sample.at - previous.at) / 60_000, 1 / 60);
    return {
      at: new Date(sample.at).toISOString(),
      requestsPerMinute: Math.round((Math.max(0, sample.requests - previous.requests) / minutes) * 10) / 10,
      errorsPerMinute: Math.round((Math.max(0, sample.errors - previous.errors) / minutes) * 10) / 10,
    };
  });
  const sockets = samples.map((sample) => ({ at: new Date(sample.at).toISOString(), connections: sample.sockets }));
  const [{ routes, p95Ms }, jobs] = await Promise.all([routeStats(), jobStats(db, range)]);
  const uptimeSeconds = Math.round(process.uptime());
  return {
    section: "system" as const,
    from: range.from,
    to: range.to,
    generatedAt: range.now.toISOString(),
    summary: {
      uptimeSeconds,
      requests: current.requests,
      requestsPerMinute: uptimeSeconds === 0 ? 0 : Math.round((current.requests / (uptimeSeconds / 60)) * 10) / 10,
      p95Ms,
      errorRate: current.requests === 0 ? 0 : Math.round((current.errors / current.requests) * 10_000) / 10_000,
      sockets: current.sockets,
      queued: jobs.queues.reduce((sum, queue) => sum + queue.queued, 0),
      failedJobs: jobs.failures.reduce((sum, row) => sum + row.failed, 0),
    },
    charts: { routes, requestRate, sockets, queues: jobs.queues, jobFailures: jobs.failures },
  };
}

async function jobStats(db: Queryable, range: Range) {
  const present = await rows<{ present: boolean }>(db, sql`select to_regclass('pgboss.job') is not null as present`);
  if (!present[0]?.present) return { queues: [], failures: [] };
  const [{ queues }, failures] = await Promise.all([
    listQueues(db),
    rows<{ day: string; queue: string; failed: number }>(
      db,
      sql`select to_char((at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, name as queue, count(*)::int as failed from (
          select name, coalesce(completed_on, started_on, created_on) as at from pgboss.job where state = 'failed'
          union all select name, coalesce(completed_on, started_on, created_on) from pgboss.archive where state = 'failed'
        ) f where at >= ${range.start} and at < ${range.end} group by 1, 2 order by 1, 2`,
    ),
  ]);
  return {
    queues: queues.map((queue) => ({
      queue: queue.name,
      queued: queue.counts.created + queue.counts.retry,
      active: queue.counts.active,
      failed: queue.counts.failed,
      completed: queue.counts.completed,
    })),
    failures,
  };
}
