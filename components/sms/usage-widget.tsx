import { Card, CardHeader } from "@/components/ui/display";
import type { smsAnalytics } from "@/lib/sms/analytics";

type Usage = Awaited<ReturnType<typeof smsAnalytics>>;

export function formatUsd(value: number): string {
  return value.toLocaleString("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 4 });
}

/** The user's own SMS usage over the last 30 days: texts in and out, segments and what they cost. */
export function SmsUsageWidget({ usage }: { usage: Usage }) {
  const stats = [
    { label: "Received", value: usage.totals.inbound.toLocaleString() },
    { label: "Sent", value: usage.totals.outbound.toLocaleString() },
    { label: "Segments", value: usage.totals.segments.toLocaleString() },
    { label: "Cost", value: formatUsd(usage.totals.cost) },
  ];
  return (
    <Card>
      <CardHeader title="Your SMS usage" description={`${usage.from} to ${usage.to} (UTC). Codes, routed texts and replies count; cost is Twilio's price where it reported one.`} />
      <dl className="grid grid-cols-2 gap-4 px-4 pb-5 sm:grid-cols-4 sm:px-5" aria-label="SMS usage">
        {stats.map((stat) => (
          <div key={stat.label} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-800/60">
            <dt className="text-xs text-slate-500 dark:text-slate-400">{stat.label}</dt>
            <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums dark:text-slate-100">{stat.value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
