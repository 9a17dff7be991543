import type { ApiOperation } from "@/lib/http/openapi";
import { analyticsQuerySchema } from "@/lib/analytics/range";

/** The analytics endpoints, for /api/v1/openapi.json. See docs/analytics.md for every chart's rows. */
const tag = "Analytics";

function section(path: string, summary: string, charts: string): ApiOperation {
  return {
    method: "get",
    path: `/api/v1/analytics/${path}`,
    tag,
    summary,
    description: `Admins only. Charts (names for format=csv&chart=): ${charts}. Dates are UTC days, both included (default: the last 30); closed days come from the daily rollups, today from the raw tables.`,
    auth: "admin",
    query: analyticsQuerySchema,
    responses: { 200: { description: "JSON {section, from, to, generatedAt, rolledThrough?, summary, charts}; with format=csv&chart=<name>, that chart's rows as text/csv" }, 422: { description: "A bad range, or an unknown chart" } },
  };
}

export const analyticsOperations: ApiOperation[] = [
  section("messages", "Messages per day by type and device, top senders, ingest latency, unread backlog", "perDay, byType, byDevice, topSenders, ingestLatency, unreadByAge, unreadByUser"),
  section("devices", "Devices online, stale and offline over time; per device its sync lag, message count and last message time and type", "status, syncLag"),
  section("rooms", "Incidents opened and resolved per week, time to resolve by severity, messages and participants", "incidentsPerWeek, timeToResolve, messagesPerRoom, activeParticipants"),
  section("tasks", "Tasks created vs completed per week, completion rate, overdue trend, on-time rate per assignee", "perWeek, overdue, onTimeByAssignee"),
  section("users", "Daily and weekly active users, sign-ins, most active users", "activeUsers, signIns, mostActive"),
  section("system", "Request rate, p95 latency and error rate by route, sockets, job queues and failures (this instance)", "routes, requestRate, sockets, queues, jobFailures"),
  {
    method: "get",
    path: "/api/v1/analytics/insights",
    tag,
    summary: "The caller's own messages per day, busiest senders, tasks completed per week and on-time rate",
    auth: "user",
    scopes: ["messages:read", "tasks:read"],
    query: analyticsQuerySchema,
    responses: { 200: { description: "{section, from, to, generatedAt, summary, charts: {messagesPerDay, busiestSenders, tasksPerWeek}}" }, 422: { description: "A bad range, or an unknown chart" } },
  },
];
