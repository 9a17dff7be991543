import client from "prom-client";
import { getDatabase } from "@/lib/db/client";
import { lastHeartbeatAt } from "@/lib/jobs/heartbeat";
import { getRealtimeServer } from "@/lib/realtime/publish";

/**
 * Process metrics, exposed at /api/metrics. prom-client keeps one default
 * registry per process (Next loads it from node_modules, not bundled), so the
 * server and route handlers record into the same one. Names follow
 * Prometheus conventions: _total for counters, _seconds for durations, and
 * labels with few values (never a user, device, room or message id).
 *
 * The catalogue (what each metric means, its labels and the alerts built on
 * it) is lib/metrics/README.md; deploy/observability/ holds the Grafana
 * dashboard and the Prometheus alert rules that use these names.
 */
const METRICS_KEY = Symbol.for("message-hub.metrics");

/** Durations of work that talks to a database or the network: 5 ms to 1 min. */
const WORK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function create() {
  client.collectDefaultMetrics({ prefix: "hub_process_" });
  return {
    // --- HTTP ---------------------------------------------------------------
    httpRequestDuration: new client.Histogram({
      name: "hub_http_request_duration_seconds",
      help: "HTTP request duration by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    authFailures: new client.Counter({
      name: "hub_auth_failures_total",
      help: "Refused credentials by method (password, api_key, session) and reason",
      labelNames: ["method", "reason"] as const,
    }),
    rateLimitRefusals: new client.Counter({
      name: "hub_rate_limit_refusals_total",
      help: "Requests, sign-ins and socket connections refused by a named rate limit",
      labelNames: ["limit"] as const,
    }),

    // --- Inbox and sync -----------------------------------------------------
    ingestRequests: new client.Counter({
      name: "hub_ingest_requests_total",
      help: "Ingest calls (a single message or a batch) by source",
      labelNames: ["source"] as const,
    }),
    messagesIngested: new client.Counter({
      name: "hub_messages_ingested_total",
      help: "Messages stored by ingest (duplicates excluded), by type and source",
      labelNames: ["type", "source"] as const,
    }),
    messagesDuplicate: new client.Counter({
      name: "hub_messages_duplicate_total",
      help: "Ingested messages that matched a stored one (a retry) and were not stored again, by source",
      labelNames: ["source"] as const,
    }),
    syncRequests: new client.Counter({
      name: "hub_sync_requests_total",
      help: "Delta sync pages served, by stream (messages, tasks)",
      labelNames: ["stream"] as const,
    }),
    syncChanges: new client.Counter({
      name: "hub_sync_changes_total",
      help: "Changes delivered by delta sync, by stream",
      labelNames: ["stream"] as const,
    }),
    syncLag: new client.Histogram({
      name: "hub_sync_lag_seconds",
      help: "How far behind a syncing client was: the age of the oldest change a non-empty sync page delivered",
      labelNames: ["stream"] as const,
      buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 86_400, 7 * 86_400],
    }),
    devices: new client.Gauge({
      name: "hub_devices",
      help: "Registered (not revoked) devices by liveness: online, stale, offline (read from the database at scrape time)",
      labelNames: ["status"] as const,
      async collect() {
        try {
          const result = await getDatabase().pool.query<{ status: string; n: number }>(DEVICE_STATUS_SQL);
          for (const status of ["online", "stale", "offline"]) this.set({ status }, 0);
          for (const row of result.rows) this.set({ status: row.status }, Number(row.n));
        } catch {
          // No database in this process (or it is down): /api/ready reports that.
        }
      },
    }),
    devicesWentOffline: new client.Counter({
      name: "hub_devices_went_offline_total",
      help: "Devices detected as newly offline (silent past the offline threshold), once per outage",
    }),

    // --- Rooms and sockets --------------------------------------------------
    roomMessages: new client.Counter({
      name: "hub_room_messages_total",
      help: "Incident room messages stored, by message type",
      labelNames: ["type"] as const,
    }),
    roomFanoutLatency: new client.Histogram({
      name: "hub_room_fanout_latency_seconds",
      help: "From a room message's arrival to its message:new broadcast (group commit plus publish)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    socketConnections: new client.Gauge({
      name: "hub_socket_connections",
      help: "Socket.IO connections open on this instance, by namespace",
      labelNames: ["namespace"] as const,
      collect() {
        // Read from Socket.IO itself at scrape time, so the value never drifts.
        const io = getRealtimeServer();
        if (!io) return;
        for (const [name, namespace] of io._nsps) this.set({ namespace: name }, namespace.sockets.size);
      },
    }),
    socketConnects: new client.Counter({
      name: "hub_socket_connects_total",
      help: "Authenticated Socket.IO connections accepted, by namespace",
      labelNames: ["namespace"] as const,
    }),

    // --- Jobs ---------------------------------------------------------------
    jobsProcessed: new client.Counter({
      name: "hub_jobs_processed_total",
      help: "Jobs a worker finished, by queue and outcome (completed, failed)",
      labelNames: ["queue", "outcome"] as const,
    }),
    jobDuration: new client.Histogram({
      name: "hub_job_duration_seconds",
      help: "Time a worker spent on a job, by queue",
      labelNames: ["queue"] as const,
      buckets: WORK_BUCKETS,
    }),
    jobsQueued: new client.Gauge({
      name: "hub_jobs_queued",
      help: "Jobs waiting or running, by queue and state (created, retry, active); read from pg-boss at scrape time",
      labelNames: ["queue", "state"] as const,
      async collect() {
        try {
          const pool = getDatabase().pool;
          const exists = await pool.query<{ present: boolean }>("select to_regclass('pgboss.job') is not null as present");
          if (!exists.rows[0]?.present) return;
          const result = await pool.query<{ name: string; state: string; n: number }>(QUEUE_DEPTH_SQL);
          this.reset();
          for (const row of result.rows) this.set({ queue: row.name, state: row.state }, Number(row.n));
        } catch {
          // As above: no database here, nothing to report.
        }
      },
    }),
    heartbeat: new client.Gauge({
      name: "hub_jobs_heartbeat_last_success_timestamp_seconds",
      help: "When a worker last completed the once-a-minute scheduler heartbeat (0: never)",
      async collect() {
        try {
          const at = await lastHeartbeatAt(getDatabase().pool);
          this.set(at ? at.getTime() / 1000 : 0);
        } catch {
          // No database in this process (or it is down): /api/ready reports that.
        }
      },
    }),

    // --- Outbound: webhooks, notifications, SMS ------------------------------
    webhookDeliveries: new client.Counter({
      name: "hub_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome (delivered, retrying, failed, cancelled)",
      labelNames: ["outcome"] as const,
    }),
    webhookDeliveryDuration: new client.Histogram({
      name: "hub_webhook_delivery_duration_seconds",
      help: "Time of one webhook POST, from the target check to the response (or the error)",
      buckets: WORK_BUCKETS,
    }),
    webhooksDisabled: new client.Counter({
      name: "hub_webhooks_disabled_total",
      help: "Webhooks turned off automatically after failing for too long",
    }),
    notifications: new client.Counter({
      name: "hub_notifications_total",
      help: "Notifications sent per channel (in_app, push, email, sms) and outcome (sent, failed, skipped)",
      labelNames: ["channel", "outcome"] as const,
    }),
    sms: new client.Counter({
      name: "hub_sms_total",
      help: "SMS handled, by direction (inbound, outbound) and outcome (routed, unknown_sender, invalid_signature, sent, error)",
      labelNames: ["direction", "outcome"] as const,
    }),
    smsCost: new client.Counter({
      name: "hub_sms_cost_usd_total",
      help: "What SMS cost, in US dollars (the provider's price, or the rate table's), by direction",
      labelNames: ["direction"] as const,
    }),
  };
}

/** Same thresholds as lib/devices/status.ts (5 minutes online, 1 hour stale). */
const DEVICE_STATUS_SQL = `
  select case
      when last_seen_at > now() - interval '5 minutes' then 'online'
      when last_seen_at > now() - interval '1 hour' then 'stale'
      else 'offline'
    end as status, count(*)::int as n
  from devices where revoked_at is null group by 1`;

const QUEUE_DEPTH_SQL = `
  select name, state::text as state, count(*)::int as n
  from pgboss.job where state in ('created', 'retry', 'active') group by 1, 2`;

export type Metrics = ReturnType<typeof create>;
type Holder = { [METRICS_KEY]?: Metrics };

/** The process's metrics, created (and registered) on first use. */
export function metrics(): Metrics {
  const holder = globalThis as Holder;
  holder[METRICS_KEY] ??= create();
  return holder[METRICS_KEY];
}

export const httpRequestDuration = {
  observe: (labels: { method: string; route: string; status: string }, seconds: number) => metrics().httpRequestDuration.observe(labels, seconds),
};

/**
 * Times one job and counts its outcome. The job's own error is rethrown
 * untouched: pg-boss (or settleEach) decides what a failure means.
 */
export async function timeJob<T>(queue: string, run: () => Promise<T>): Promise<T> {
  const end = metrics().jobDuration.startTimer({ queue });
  try {
    const result = await run();
    metrics().jobsProcessed.inc({ queue, outcome: "completed" });
    return result;
  } catch (error) {
    metrics().jobsProcessed.inc({ queue, outcome: "failed" });
    throw error;
  } finally {
    end();
  }
}

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  metrics();
  return { contentType: client.register.contentType, body: await client.register.metrics() };
}

export type MetricInfo = { name: string; type: "counter" | "gauge" | "histogram" | "summary"; help: string; labelNames: string[] };

/**
 * What the registry exposes: each metric's name (a histogram's base name,
 * without _bucket/_sum/_count), type, help and label names. The alert-rule
 * and dashboard tests check every query against it.
 */
export function metricCatalogue(): MetricInfo[] {
  metrics();
  return client.register.getMetricsAsArray().map((metric) => {
    const { name, help, type, labelNames } = metric as unknown as { name: string; help: string; type: MetricInfo["type"]; labelNames?: string[] };
    return { name, help, type, labelNames: [...(labelNames ?? [])] };
  });
}

/**
 * Collapses ids in a path so the route label has few values:
 * /api/v1/messages/msg_01abc → /api/v1/messages/:id
 */
export function routeLabel(pathname: string): string {
  if (pathname.startsWith("/_next/")) return "/_next/*";
  return pathname
    .split("/")
    .map((segment) => (/^[a-z]{2,5}_[0-9a-z]{10,}$/.test(segment) || /^\d+$/.test(segment) || /^[0-9a-f-]{36}$/i.test(segment) ? ":id" : segment))
    .join("/")
    .slice(0, 120);
}
