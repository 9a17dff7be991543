"use client";

import { Badge, type Tone } from "@/components/ui/display";
import { Chart, ChartCard, DataTable, formatX, pivot, type Row } from "@/components/analytics/charts";
import { DashboardFrame, duration, Grid, ms, number, percent, shortMs, Stats, useReport } from "@/components/analytics/dashboard";
import type { messagesReport } from "@/lib/analytics/messages";
import type { devicesReport } from "@/lib/analytics/devices";
import type { roomsReport } from "@/lib/analytics/rooms";
import type { tasksReport } from "@/lib/analytics/tasks";
import type { usersReport } from "@/lib/analytics/users";
import type { systemReport } from "@/lib/analytics/system";
import type { insightsReport } from "@/lib/analytics/insights";

/**
 * One component per analytics section. Each reads its endpoint for the
 * range in the URL; every chart's CSV button downloads the rows it plots.
 */
type Report<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
const rows = (value: unknown) => value as Row[];
const when = (value: unknown) => (value ? formatX(value) : "never");
const STATUS_TONE: Record<string, Tone> = { online: "success", stale: "warning", offline: "neutral" };
const TYPE_LABELS: Record<string, string> = { sms: "SMS", mms: "MMS", notification: "Notification", call: "Call", email: "Email", chat: "Chat", other: "Other" };

export function MessagesAnalytics() {
  const report = useReport<Report<typeof messagesReport>>("/api/v1/analytics/messages");
  return (
    <DashboardFrame report={report} label="Message analytics">
      {(data) => {
        const days = data.charts.perDay.map((row) => row.day);
        const byType = pivot(rows(data.charts.byType), "day", "type", "count", { xs: days });
        byType.series = byType.series.map((s) => ({ ...s, label: TYPE_LABELS[s.label] ?? s.label }));
        const byDevice = pivot(rows(data.charts.byDevice), "day", "deviceId", "count", { xs: days, top: 6, labelKey: "device" });
        const s = data.summary;
        return (
          <>
            <Stats
              label="Message totals"
              stats={[
                { label: "Messages", value: number(s.total) },
                { label: "Per day", value: s.perDayAverage.toLocaleString() },
                { label: "Busiest day", value: s.busiestDay ? formatX(s.busiestDay.day) : "–", hint: s.busiestDay ? `${s.busiestDay.count.toLocaleString()} messages` : undefined },
                { label: "Avg ingest latency", value: ms(s.ingestLatencyAvgMs) },
                { label: "Unread now", value: number(s.unread) },
                { label: "Rolled up through", value: data.rolledThrough ? formatX(data.rolledThrough) : "–", hint: "later days are live" },
              ]}
            />
            <Grid>
              <ChartCard title="Messages per day by type" description="Counted on the day the hub received them." csvHref={report.csv("byType")} empty={s.total === 0}>
                <Chart kind="stacked" data={byType.data} x="day" series={byType.series} showLegend label="Messages per day by type" />
              </ChartCard>
              <ChartCard title="Messages per day by device" description="The phone that forwarded them; “No device” is the API and SMS router." csvHref={report.csv("byDevice")} empty={s.total === 0}>
                <Chart kind="stacked" data={byDevice.data} x="day" series={byDevice.series} showLegend label="Messages per day by device" />
              </ChartCard>
              <ChartCard title="Top senders" description="The ten senders with the most messages in the range." csvHref={report.csv("topSenders")} empty={data.charts.topSenders.length === 0}>
                <Chart kind="hbar" data={rows(data.charts.topSenders)} x="sender" series={[{ key: "count", label: "Messages" }]} label="Top senders" />
              </ChartCard>
              <ChartCard title="Ingest latency" description="From the phone receiving a message to the hub storing it: median, 95th percentile and mean per day." csvHref={report.csv("ingestLatency")} empty={data.charts.ingestLatency.length === 0}>
                <Chart
                  kind="line"
                  data={rows(data.charts.ingestLatency)}
                  x="day"
                  format={ms}
                  axisFormat={shortMs}
                  series={[
                    { key: "p50Ms", label: "Median" },
                    { key: "p95Ms", label: "p95", color: "#ef4444" },
                    { key: "avgMs", label: "Mean", color: "#64748b" },
                  ]}
                  label="Ingest latency per day"
                />
              </ChartCard>
              <ChartCard title="Unread backlog" description="Unread messages now, by how long ago they arrived." csvHref={report.csv("unreadByAge")} empty={s.unread === 0}>
                <Chart kind="bar" data={rows(data.charts.unreadByAge)} x="age" series={[{ key: "count", label: "Unread", color: "#f59e0b" }]} label="Unread backlog by age" />
              </ChartCard>
              <ChartCard title="Most unread" description="People with the largest unread backlog, and their oldest unread message." csvHref={report.csv("unreadByUser")} empty={data.charts.unreadByUser.length === 0}>
                <DataTable
                  label="Unread messages per person"
                  rows={rows(data.charts.unreadByUser)}
                  columns={[
                    { key: "user", label: "Person" },
                    { key: "unread", label: "Unread", numeric: true, format: (v) => number(v as number) },
                    { key: "oldestUnreadAt", label: "Oldest", format: when },
                  ]}
                />
              </ChartCard>
            </Grid>
          </>
        );
      }}
    </DashboardFrame>
  );
}

export function DevicesAnalytics() {
  const report = useReport<Report<typeof devicesReport>>("/api/v1/analytics/devices");
  return (
    <DashboardFrame report={report} label="Device analytics">
      {(data) => {
        const s = data.summary;
        const lagging = data.charts.syncLag.filter((row) => row.lagSeconds !== null).map((row) => ({ device: row.device, lagMinutes: Math.round(((row.lagSeconds ?? 0) / 60) * 10) / 10 }));
        return (
          <>
            <Stats
              label="Device totals"
              stats={[
                { label: "Devices", value: number(s.total) },
                { label: "Online", value: number(s.online), hint: "heard from in 5 min" },
                { label: "Stale", value: number(s.stale), hint: "within the hour" },
                { label: "Offline", value: number(s.offline) },
                { label: "Syncing", value: number(s.syncing) },
                { label: "Behind", value: number(s.behind), hint: "unacknowledged changes" },
              ]}
            />
            <ChartCard title="Online, stale and offline over time" description="Hourly snapshots, and now. Snapshots start when the hub first ran with analytics." csvHref={report.csv("status")} empty={data.charts.status.length === 0}>
              <Chart
                kind="area"
                data={rows(data.charts.status)}
                x="at"
                series={[
                  { key: "online", label: "Online", color: "#10b981" },
                  { key: "stale", label: "Stale", color: "#f59e0b" },
                  { key: "offline", label: "Offline", color: "#94a3b8" },
                ]}
                label="Device status over time"
              />
            </ChartCard>
            <ChartCard title="Sync lag per device" description="Minutes since the oldest message change the device has not acknowledged." csvHref={report.csv("syncLag")} empty={lagging.length === 0}>
              <Chart kind="hbar" data={lagging} x="device" format={(v) => `${v} min`} series={[{ key: "lagMinutes", label: "Lag (min)", color: "#6366f1" }]} label="Sync lag per device" />
            </ChartCard>
            <ChartCard title="Devices" description="Status, last contact, messages and sync position of each device." csvHref={report.csv("syncLag")} empty={data.charts.syncLag.length === 0}>
              <DataTable
                label="Devices and their sync lag"
                rows={rows(data.charts.syncLag)}
                columns={[
                  { key: "device", label: "Device" },
                  { key: "user", label: "Owner" },
                  { key: "status", label: "Status", format: (v) => <Badge tone={STATUS_TONE[String(v)] ?? "neutral"}>{String(v)}</Badge> },
                  { key: "lastSeenAt", label: "Last seen", format: when },
                  { key: "messages", label: "Messages", numeric: true, format: (v) => number(v as number) },
                  { key: "lastMessageAt", label: "Last message", format: when },
                  { key: "lastMessageType", label: "Type", format: (v) => (v === null ? "–" : String(v)) },
                  { key: "changesBehind", label: "Behind", numeric: true, format: (v) => (v === null ? "not syncing" : number(v as number)) },
                  { key: "lagSeconds", label: "Lag", numeric: true, format: (v) => duration(v as number | null) },
                ]}
              />
            </ChartCard>
          </>
        );
      }}
    </DashboardFrame>
  );
}

export function RoomsAnalytics() {
  const report = useReport<Report<typeof roomsReport>>("/api/v1/analytics/rooms");
  return (
    <DashboardFrame report={report} label="Room analytics">
      {(data) => {
        const s = data.summary;
        const rooms = data.charts.messagesPerRoom.slice(0, 10);
        return (
          <>
            <Stats
              label="Room totals"
              stats={[
                { label: "Opened", value: number(s.opened) },
                { label: "Resolved", value: number(s.resolved) },
                { label: "Open now", value: number(s.openNow) },
                { label: "Messages", value: number(s.messages) },
                { label: "Participants", value: number(s.participants), hint: "posted in the range" },
              ]}
            />
            <Grid>
              <ChartCard title="Incidents per week" description="Rooms opened, and status changes to resolved, per week (weeks start Monday)." csvHref={report.csv("incidentsPerWeek")} empty={s.opened + s.resolved === 0}>
                <Chart
                  kind="bar"
                  data={rows(data.charts.incidentsPerWeek)}
                  x="week"
                  series={[
                    { key: "opened", label: "Opened", color: "#ef4444" },
                    { key: "resolved", label: "Resolved", color: "#10b981" },
                  ]}
                  label="Incidents opened and resolved per week"
                />
              </ChartCard>
              <ChartCard title="Time to resolve by severity" description="Hours from opening to resolution, for incidents resolved in the range." csvHref={report.csv("timeToResolve")} empty={s.resolved === 0}>
                <Chart
                  kind="bar"
                  data={rows(data.charts.timeToResolve)}
                  x="severity"
                  format={(v) => `${v} h`}
                  series={[
                    { key: "medianHours", label: "Median (h)" },
                    { key: "avgHours", label: "Mean (h)", color: "#f59e0b" },
                  ]}
                  label="Hours to resolve by severity"
                />
              </ChartCard>
              <ChartCard title="Messages per room" description="People's messages (not timeline entries) in the busiest rooms." csvHref={report.csv("messagesPerRoom")} empty={rooms.length === 0}>
                <Chart
                  kind="hbar"
                  data={rows(rooms)}
                  x="room"
                  series={[
                    { key: "messages", label: "Messages" },
                    { key: "participants", label: "Participants", color: "#06b6d4" },
                  ]}
                  label="Messages and participants per room"
                />
              </ChartCard>
              <ChartCard title="Active participants per week" description="Distinct people who posted in any room that week." csvHref={report.csv("activeParticipants")} empty={s.participants === 0}>
                <Chart kind="bar" data={rows(data.charts.activeParticipants)} x="week" series={[{ key: "participants", label: "Participants", color: "#06b6d4" }]} label="Active participants per week" />
              </ChartCard>
            </Grid>
          </>
        );
      }}
    </DashboardFrame>
  );
}

export function TasksAnalytics() {
  const report = useReport<Report<typeof tasksReport>>("/api/v1/analytics/tasks");
  return (
    <DashboardFrame report={report} label="Task analytics">
      {(data) => {
        const s = data.summary;
        const onTime = data.charts.onTimeByAssignee.filter((row) => row.onTimeRate !== null).map((row) => ({ user: row.user, onTimePercent: Math.round((row.onTimeRate ?? 0) * 1000) / 10 }));
        return (
          <>
            <Stats
              label="Task totals"
              stats={[
                { label: "Created", value: number(s.created) },
                { label: "Completed", value: number(s.completed) },
                { label: "Completion rate", value: percent(s.completionRate), hint: "completed ÷ created" },
                { label: "On time", value: percent(s.onTimeRate), hint: `${s.onTime} of ${s.completedWithDue} with a due date` },
                { label: "Overdue", value: number(s.overdueAtEnd), hint: "at the end of the range" },
              ]}
            />
            <Grid>
              <ChartCard title="Created vs completed per week" description="Weeks start Monday; the first and last may be partial." csvHref={report.csv("perWeek")} empty={s.created + s.completed === 0}>
                <Chart
                  kind="bar"
                  data={rows(data.charts.perWeek)}
                  x="week"
                  series={[
                    { key: "created", label: "Created", color: "#6366f1" },
                    { key: "completed", label: "Completed", color: "#10b981" },
                  ]}
                  label="Tasks created and completed per week"
                />
              </ChartCard>
              <ChartCard title="Overdue trend" description="Open tasks past their due date at the end of each day (now, for today)." csvHref={report.csv("overdue")} empty={data.charts.overdue.every((row) => row.overdue === 0)}>
                <Chart kind="bar" data={rows(data.charts.overdue)} x="day" series={[{ key: "overdue", label: "Overdue", color: "#ef4444" }]} label="Overdue tasks per day" />
              </ChartCard>
              <ChartCard title="On-time rate per assignee" description="Completions with a due date that were done by it." csvHref={report.csv("onTimeByAssignee")} empty={onTime.length === 0}>
                <Chart kind="hbar" data={onTime} x="user" format={(v) => `${v} %`} series={[{ key: "onTimePercent", label: "On time (%)", color: "#10b981" }]} label="On-time rate per assignee" />
              </ChartCard>
              <ChartCard title="Completions per assignee" description="The assignee, or the owner of an unassigned task." csvHref={report.csv("onTimeByAssignee")} empty={data.charts.onTimeByAssignee.length === 0}>
                <DataTable
                  label="Completions per assignee"
                  rows={rows(data.charts.onTimeByAssignee)}
                  columns={[
                    { key: "user", label: "Person" },
                    { key: "completed", label: "Completed", numeric: true },
                    { key: "withDue", label: "With due date", numeric: true },
                    { key: "onTime", label: "On time", numeric: true },
                    { key: "onTimeRate", label: "Rate", numeric: true, format: (v) => percent(v as number | null) },
                  ]}
                />
              </ChartCard>
            </Grid>
          </>
        );
      }}
    </DashboardFrame>
  );
}

export function UsersAnalytics() {
  const report = useReport<Report<typeof usersReport>>("/api/v1/analytics/users");
  return (
    <DashboardFrame report={report} label="User analytics">
      {(data) => {
        const s = data.summary;
        return (
          <>
            <Stats
              label="User totals"
              stats={[
                { label: "People", value: number(s.users) },
                { label: "Active in range", value: number(s.activeInRange) },
                { label: "Daily active", value: number(s.dau), hint: "last day of the range" },
                { label: "Weekly active", value: number(s.wau), hint: "7 days to the last day" },
                { label: "Sign-ins", value: number(s.signIns) },
                { label: "Failed sign-ins", value: number(s.failedSignIns) },
              ]}
            />
            <Grid>
              <ChartCard title="Daily and weekly active users" description="People who used the hub that day, and in the seven days ending that day." csvHref={report.csv("activeUsers")} empty={s.activeInRange === 0}>
                <Chart
                  kind="line"
                  data={rows(data.charts.activeUsers)}
                  x="day"
                  series={[
                    { key: "dau", label: "Daily" },
                    { key: "wau", label: "Weekly", color: "#10b981" },
                  ]}
                  label="Daily and weekly active users"
                />
              </ChartCard>
              <ChartCard title="Sign-ins per day" description="Successful and failed sign-ins, from the audit log." csvHref={report.csv("signIns")} empty={s.signIns + s.failedSignIns === 0}>
                <Chart
                  kind="stacked"
                  data={rows(data.charts.signIns)}
                  x="day"
                  series={[
                    { key: "signIns", label: "Signed in", color: "#6366f1" },
                    { key: "failed", label: "Failed", color: "#ef4444" },
                  ]}
                  label="Sign-ins per day"
                />
              </ChartCard>
            </Grid>
            <ChartCard title="Most active people" description="By days active, then by messages received, room messages and tasks completed." csvHref={report.csv("mostActive")} empty={data.charts.mostActive.length === 0}>
              <DataTable
                label="Most active people"
                rows={rows(data.charts.mostActive)}
                columns={[
                  { key: "user", label: "Person" },
                  { key: "activeDays", label: "Days active", numeric: true },
                  { key: "messages", label: "Messages", numeric: true, format: (v) => number(v as number) },
                  { key: "roomMessages", label: "Room messages", numeric: true, format: (v) => number(v as number) },
                  { key: "tasksCompleted", label: "Tasks done", numeric: true, format: (v) => number(v as number) },
                ]}
              />
            </ChartCard>
          </>
        );
      }}
    </DashboardFrame>
  );
}

export function SystemAnalytics() {
  const report = useReport<Report<typeof systemReport>>("/api/v1/analytics/system");
  return (
    <DashboardFrame report={report} label="System analytics">
      {(data) => {
        const s = data.summary;
        const slowest = [...data.charts.routes].filter((row) => row.p95Ms !== null).sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0)).slice(0, 10);
        return (
          <>
            <Stats
              label="System totals"
              stats={[
                { label: "Up for", value: duration(s.uptimeSeconds), hint: "this instance" },
                { label: "Requests / min", value: s.requestsPerMinute.toLocaleString(), hint: `${number(s.requests)} since start` },
                { label: "p95 latency", value: ms(s.p95Ms) },
                { label: "Error rate", value: percent(s.errorRate), hint: "5xx responses" },
                { label: "Sockets", value: number(s.sockets) },
                { label: "Jobs queued", value: number(s.queued), hint: `${number(s.failedJobs)} failed in range` },
              ]}
            />
            <Grid>
              <ChartCard title="Request rate" description="Requests and 5xx errors per minute on this instance, sampled each minute." csvHref={report.csv("requestRate")} empty={data.charts.requestRate.length === 0}>
                <Chart
                  kind="line"
                  data={rows(data.charts.requestRate)}
                  x="at"
                  series={[
                    { key: "requestsPerMinute", label: "Requests/min" },
                    { key: "errorsPerMinute", label: "Errors/min", color: "#ef4444" },
                  ]}
                  label="Requests per minute"
                />
              </ChartCard>
              <ChartCard title="Socket connections" description="Open Socket.IO connections on this instance." csvHref={report.csv("sockets")} empty={data.charts.sockets.length === 0}>
                <Chart kind="line" data={rows(data.charts.sockets)} x="at" series={[{ key: "connections", label: "Connections", color: "#06b6d4" }]} label="Socket connections" />
              </ChartCard>
              <ChartCard title="Slowest routes (p95)" description="95th-percentile response time since this instance started." csvHref={report.csv("routes")} empty={slowest.length === 0}>
                <Chart kind="hbar" data={rows(slowest)} x="route" format={ms} axisFormat={shortMs} series={[{ key: "p95Ms", label: "p95", color: "#f59e0b" }]} label="p95 latency by route" />
              </ChartCard>
              <ChartCard title="Job failures per day" description="Jobs that failed for good, by queue." csvHref={report.csv("jobFailures")} empty={data.charts.jobFailures.length === 0}>
                {(() => {
                  const failures = pivot(rows(data.charts.jobFailures), "day", "queue", "failed", { top: 6 });
                  return <Chart kind="stacked" data={failures.data} x="day" series={failures.series} showLegend label="Job failures per day by queue" />;
                })()}
              </ChartCard>
            </Grid>
            <ChartCard title="Routes" description="Requests, p95 latency and error rates by route since this instance started." csvHref={report.csv("routes")} empty={data.charts.routes.length === 0}>
              <DataTable
                label="Requests by route"
                rows={rows(data.charts.routes.slice(0, 25))}
                columns={[
                  { key: "route", label: "Route", format: (v) => <span className="font-mono text-xs break-all">{String(v)}</span> },
                  { key: "requests", label: "Requests", numeric: true, format: (v) => number(v as number) },
                  { key: "p95Ms", label: "p95", numeric: true, format: (v) => ms(v as number | null) },
                  { key: "errorRate", label: "5xx", numeric: true, format: (v) => percent(v as number) },
                  { key: "clientErrors", label: "4xx", numeric: true, format: (v) => number(v as number) },
                ]}
              />
            </ChartCard>
            <ChartCard title="Job queues" description="Jobs waiting, running and failed in each queue now." csvHref={report.csv("queues")} empty={data.charts.queues.length === 0}>
              <DataTable
                label="Job queues"
                rows={rows(data.charts.queues)}
                columns={[
                  { key: "queue", label: "Queue", format: (v) => <span className="font-mono text-xs">{String(v)}</span> },
                  { key: "queued", label: "Queued", numeric: true },
                  { key: "active", label: "Active", numeric: true },
                  { key: "failed", label: "Failed", numeric: true },
                  { key: "completed", label: "Completed", numeric: true },
                ]}
              />
            </ChartCard>
          </>
        );
      }}
    </DashboardFrame>
  );
}

export function InsightsView() {
  const report = useReport<Report<typeof insightsReport>>("/api/v1/analytics/insights");
  return (
    <DashboardFrame report={report} label="Your insights">
      {(data) => {
        const s = data.summary;
        return (
          <>
            <Stats
              label="Your totals"
              stats={[
                { label: "Messages", value: number(s.messages) },
                { label: "Per day", value: (Math.round((s.messages / Math.max(1, data.charts.messagesPerDay.length)) * 10) / 10).toLocaleString() },
                { label: "Tasks completed", value: number(s.tasksCompleted) },
                { label: "On time", value: percent(s.onTimeRate), hint: `${s.onTime} of ${s.completedWithDue} with a due date` },
              ]}
            />
            <Grid>
              <ChartCard title="My messages per day" description="Messages the hub received for you, by day." csvHref={report.csv("messagesPerDay")} empty={s.messages === 0}>
                <Chart kind="bar" data={rows(data.charts.messagesPerDay)} x="day" series={[{ key: "count", label: "Messages" }]} label="My messages per day" />
              </ChartCard>
              <ChartCard title="My busiest senders" description="Who sent you the most in the range." csvHref={report.csv("busiestSenders")} empty={data.charts.busiestSenders.length === 0}>
                <Chart kind="hbar" data={rows(data.charts.busiestSenders)} x="sender" series={[{ key: "count", label: "Messages" }]} label="My busiest senders" />
              </ChartCard>
              <ChartCard title="Tasks completed per week" description="Tasks assigned to you (or yours and unassigned) that you completed." csvHref={report.csv("tasksPerWeek")} empty={s.tasksCompleted === 0}>
                <Chart kind="bar" data={rows(data.charts.tasksPerWeek)} x="week" series={[{ key: "completed", label: "Completed", color: "#10b981" }]} label="Tasks completed per week" />
              </ChartCard>
            </Grid>
          </>
        );
      }}
    </DashboardFrame>
  );
}
