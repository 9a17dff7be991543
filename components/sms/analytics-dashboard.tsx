"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useRealtimeEvent } from "@/components/realtime/realtime-provider";
import { refetchAfterChange } from "@/components/realtime/refetch";
import { Badge, Card, CardHeader } from "@/components/ui/display";
import { EmptyState } from "@/components/ui/states";
import { ChartIcon } from "@/components/ui/icons";
import { RelativeTime } from "@/components/ui/time";
import { apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { smsAnalytics } from "@/lib/sms/analytics";
import { formatUsd } from "@/components/sms/usage-widget";

type Report = Awaited<ReturnType<typeof smsAnalytics>>;
type OutboxRow = { to: string; body: string; createdAt: string };

/**
 * The admin SMS page. Reads GET /api/v1/analytics/sms by day and by user and
 * the console outbox, refreshing when a message arrives anywhere it can see.
 */
export function SmsAnalyticsDashboard({ initialByDay, initialByUser, initialOutbox }: { initialByDay: Report; initialByUser: Report; initialOutbox: OutboxRow[] }) {
  const queryClient = useQueryClient();
  const byDay = useQuery({ queryKey: queryKeys.sms.analytics({ groupBy: "day" }), queryFn: () => apiFetch<Report>("/api/v1/analytics/sms?groupBy=day"), initialData: initialByDay, refetchInterval: 30_000 });
  const byUser = useQuery({ queryKey: queryKeys.sms.analytics({ groupBy: "user" }), queryFn: () => apiFetch<Report>("/api/v1/analytics/sms?groupBy=user"), initialData: initialByUser, refetchInterval: 30_000 });
  const outbox = useQuery({ queryKey: queryKeys.sms.outbox(), queryFn: async () => (await apiFetch<{ data: OutboxRow[] }>("/api/v1/admin/sms-outbox")).data, initialData: initialOutbox, refetchInterval: 30_000 });
  useRealtimeEvent("hub:message", () => void refetchAfterChange(queryClient, { queryKey: queryKeys.sms.all() }));

  const totals = byDay.data.totals;
  const stats = [
    { label: "Messages", value: totals.count.toLocaleString() },
    { label: "Segments", value: totals.segments.toLocaleString() },
    { label: "Cost", value: formatUsd(totals.cost) },
    { label: "Unknown senders", value: totals.unknownSender.toLocaleString() },
    { label: "Routing p50 / p95", value: totals.latencyP50Ms === null ? "–" : `${totals.latencyP50Ms} / ${totals.latencyP95Ms} ms` },
    { label: "Error rate", value: `${(totals.errorRate * 100).toFixed(1)} %` },
  ];
  const users = byUser.data.groups.map((group) => ({ ...group, label: group.name ?? group.email ?? group.key }));

  return (
    <div className="flex flex-col gap-6">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="SMS totals">
        {stats.map((stat) => (
          <div key={stat.label} className="rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
            <dt className="text-xs text-slate-500 dark:text-slate-400">{stat.label}</dt>
            <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums dark:text-slate-100">{stat.value}</dd>
          </div>
        ))}
      </dl>

      {totals.count === 0 ? (
        <Card>
          <EmptyState icon={<ChartIcon className="size-7" />} title="No SMS traffic yet" description="Point your Twilio number's messaging webhook at this hub (see docs/sms.md); charts fill in as texts arrive." />
        </Card>
      ) : (
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <ChartCard title="Volume per day" label="SMS volume per day">
            <BarChart data={byDay.data.groups}>
              <CartesianGrid strokeDasharray="3 3" className="stroke-slate-200 dark:stroke-slate-800" />
              <XAxis dataKey="key" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} />
              <Tooltip />
              <Legend />
              <Bar dataKey="inbound" name="Inbound" stackId="v" fill="#6366f1" />
              <Bar dataKey="outbound" name="Outbound" stackId="v" fill="#22c55e" />
            </BarChart>
          </ChartCard>
          <ChartCard title="Cost per day (USD)" label="SMS cost per day">
            <BarChart data={byDay.data.groups}>
              <CartesianGrid strokeDasharray="3 3" className="stroke-slate-200 dark:stroke-slate-800" />
              <XAxis dataKey="key" fontSize={12} />
              <YAxis fontSize={12} />
              <Tooltip formatter={(value) => formatUsd(Number(value))} />
              <Bar dataKey="cost" name="Cost" fill="#f59e0b" />
            </BarChart>
          </ChartCard>
          <ChartCard title="Volume per user" label="SMS volume per user">
            <BarChart data={users} layout="vertical">
              <CartesianGrid strokeDasharray="3 3" className="stroke-slate-200 dark:stroke-slate-800" />
              <XAxis type="number" allowDecimals={false} fontSize={12} />
              <YAxis type="category" dataKey="label" width={110} fontSize={12} />
              <Tooltip />
              <Legend />
              <Bar dataKey="inbound" name="Inbound" stackId="v" fill="#6366f1" />
              <Bar dataKey="outbound" name="Outbound" stackId="v" fill="#22c55e" />
            </BarChart>
          </ChartCard>
          <ChartCard title="Cost per user (USD)" label="SMS cost per user">
            <BarChart data={users} layout="vertical">
              <CartesianGrid strokeDasharray="3 3" className="stroke-slate-200 dark:stroke-slate-800" />
              <XAxis type="number" fontSize={12} />
              <YAxis type="category" dataKey="label" width={110} fontSize={12} />
              <Tooltip formatter={(value) => formatUsd(Number(value))} />
              <Bar dataKey="cost" name="Cost" fill="#f59e0b" />
            </BarChart>
          </ChartCard>
        </div>
      )}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Top senders" description="Inbound numbers by volume; unknown-sender attempts are numbers nobody has verified." />
          <ul aria-label="Top senders" className="divide-y divide-slate-200 px-4 pb-2 sm:px-5 dark:divide-slate-800">
            {byDay.data.topSenders.length === 0 ? <li className="py-3 text-sm text-slate-500">None yet.</li> : null}
            {byDay.data.topSenders.map((sender) => (
              <li key={sender.number} className="flex items-center gap-2 py-2 text-sm">
                <span className="font-mono">{sender.number}</span>
                {sender.unknown > 0 ? <Badge tone="warning">{sender.unknown} unknown-sender</Badge> : null}
                <span className="ml-auto tabular-nums">{sender.count}</span>
              </li>
            ))}
          </ul>
        </Card>
        <Card>
          <CardHeader title="Failures" description="Send errors and webhooks with a bad signature, newest first." />
          <ul aria-label="SMS failures" className="divide-y divide-slate-200 px-4 pb-2 sm:px-5 dark:divide-slate-800">
            {byDay.data.failures.length === 0 ? <li className="py-3 text-sm text-slate-500">No failures.</li> : null}
            {byDay.data.failures.map((failure, index) => (
              <li key={`${failure.createdAt}-${index}`} className="flex flex-wrap items-center gap-2 py-2 text-sm">
                <Badge tone="danger">{failure.outcome.replace("_", " ")}</Badge>
                <span className="font-mono">{failure.number}</span>
                <span className="text-slate-500">{failure.direction}</span>
                {failure.error ? <span className="w-full truncate text-xs text-slate-500">{failure.error}</span> : null}
                <span className="ml-auto text-xs text-slate-500">
                  <RelativeTime value={failure.createdAt} />
                </span>
              </li>
            ))}
          </ul>
        </Card>
      </div>

      <Card>
        <CardHeader title="Console outbox" description="What the console SMS provider would have sent (SMS_PROVIDER=console), newest first." />
        <ul aria-label="Console outbox" className="divide-y divide-slate-200 px-4 pb-2 sm:px-5 dark:divide-slate-800">
          {outbox.data.length === 0 ? <li className="py-3 text-sm text-slate-500">Empty.</li> : null}
          {outbox.data.map((row, index) => (
            <li key={`${row.createdAt}-${index}`} className="flex flex-col gap-1 py-2 text-sm sm:flex-row sm:items-center sm:gap-3">
              <span className="font-mono">{row.to}</span>
              <span className="min-w-0 flex-1 break-words">{row.body}</span>
              <span className="text-xs text-slate-500">
                <RelativeTime value={row.createdAt} />
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

function ChartCard({ title, label, children }: { title: string; label: string; children: React.ReactElement }) {
  return (
    <Card>
      <CardHeader title={title} />
      <div className="h-64 px-2 pb-4" role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </Card>
  );
}
