import client from "prom-client";
import { getDatabase } from "@/lib/db/client";
import { lastHeartbeatAt } from "@/lib/jobs/heartbeat";

/**
 * Process metrics, exposed at /api/metrics. prom-client keeps one default
 * registry per process (Next loads it from node_modules, not bundled), so the
 * server and route handlers record into the same one. Names follow
 * Prometheus conventions: _total for counters, _seconds for durations, and
 * labels with few values (never a user id).
 */
const METRICS_KEY = Symbol.for("message-hub.metrics");

function create() {
  client.collectDefaultMetrics({ prefix: "hub_process_" });
  return {
    httpRequestDuration: new client.Histogram({
      name: "hub_http_request_duration_seconds",
      help: "HTTP request duration by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    socketConnections: new client.Gauge({
      name: "hub_socket_connections",
      help: "Socket.IO connections open on this instance",
    }),
    // Read at scrape time from the shared database, so any web instance
    // reports the cluster's workers. Alert on time() minus this > 180.
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
  };
}

type Metrics = ReturnType<typeof create>;
type Holder = { [METRICS_KEY]?: Metrics };

function metrics(): Metrics {
  const holder = globalThis as Holder;
  holder[METRICS_KEY] ??= create();
  return holder[METRICS_KEY];
}

export const httpRequestDuration = {
  observe: (labels: { method: string; route: string; status: string }, seconds: number) => metrics().httpRequestDuration.observe(labels, seconds),
};
export const socketConnections = {
  inc: () => metrics().socketConnections.inc(),
  dec: () => metrics().socketConnections.dec(),
};

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  metrics();
  return { contentType: client.register.contentType, body: await client.register.metrics() };
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
