"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Badge, Card, CardHeader } from "@/components/ui/display";
import { ClockIcon } from "@/components/ui/icons";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import type { JobDetail, QueueView, ScheduleView } from "@/lib/jobs/admin";
import { apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";

type Overview = { queues: QueueView[]; schedules: ScheduleView[] };

const COLUMNS = ["created", "scheduled", "active", "retry", "failed", "completed", "cancelled", "archived"] as const;

/** Admin → Jobs: every queue with its counts by state (refreshed while open), and the cron schedules, each of which can run now. */
export function JobsOverview({ initial }: { initial: Overview }) {
  const overview = useQuery({ queryKey: queryKeys.admin.jobs(), queryFn: () => apiFetch<Overview>("/api/v1/admin/jobs"), initialData: initial, refetchInterval: 10_000 });
  const { queues, schedules } = overview.data;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Queues" description="Background work: webhook deliveries, the outbox, reminders, retention. Open a queue to see its jobs." />
        {overview.isError ? <ErrorState title="Could not refresh the queues" detail={overview.error.message} onRetry={() => void overview.refetch()} /> : null}
        {queues.length === 0 ? (
          <EmptyState icon={<ClockIcon className="size-7" />} title="No queues yet" description="Queues appear once the job runner has started." />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Queues and their jobs by state</caption>
              <thead className="border-y border-slate-200 text-xs font-medium tracking-wide text-slate-500 uppercase dark:border-slate-800 dark:text-slate-400">
                <tr>
                  <th scope="col" className="sticky left-0 bg-white px-5 py-2.5 dark:bg-slate-900">
                    Queue
                  </th>
                  {COLUMNS.map((column) => (
                    <th key={column} scope="col" className="px-3 py-2.5 text-right">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {queues.map((queue) => (
                  <tr key={queue.name}>
                    <th scope="row" className="sticky left-0 bg-white px-5 py-3 font-normal dark:bg-slate-900">
                      <Link href={`/admin/jobs/${encodeURIComponent(queue.name)}`} className="font-mono font-medium text-brand-700 hover:underline dark:text-brand-300">
                        {queue.name}
                      </Link>
                      <span className="block text-xs text-slate-500 dark:text-slate-400">
                        {queue.policy}
                        {queue.retryLimit !== null ? ` · ${queue.retryLimit} retries` : ""}
                      </span>
                    </th>
                    {COLUMNS.map((column) => (
                      <td key={column} className="px-3 py-3 text-right tabular-nums">
                        {queue.counts[column] > 0 && column === "failed" ? <Badge tone="danger">{queue.counts[column]}</Badge> : <span className={queue.counts[column] ? "" : "text-slate-400 dark:text-slate-600"}>{queue.counts[column]}</span>}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card>
        <CardHeader title="Schedules" description="Recurring jobs (cron) that put work in the queues above." />
        {schedules.length === 0 ? (
          <EmptyState icon={<ClockIcon className="size-7" />} title="No schedules" />
        ) : (
          <ul aria-label="Schedules" className="divide-y divide-slate-200 border-t border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {schedules.map((schedule) => (
              <li key={schedule.name} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 sm:px-5">
                <span className="font-mono text-sm font-medium text-slate-900 dark:text-slate-100">{schedule.name}</span>
                <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">{schedule.cron}</code>
                <span className="text-xs text-slate-500 dark:text-slate-400">
                  {schedule.timezone ?? "UTC"} · updated <RelativeTime value={schedule.updatedOn} />
                </span>
                <RunNow queue={schedule.name} />
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

/** Sends one job to a scheduled queue now (POST /api/v1/admin/jobs/{queue}), as its cron would. */
function RunNow({ queue }: { queue: string }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const { toast } = useToast();
  const run = useMutation({
    mutationFn: async () => (await apiFetch<{ job: JobDetail }>(`/api/v1/admin/jobs/${encodeURIComponent(queue)}`, { method: "POST" })).job,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.admin.jobs() });
      toast({ title: `${queue} will run now`, tone: "success", action: { label: "View jobs", onClick: () => router.push(`/admin/jobs/${encodeURIComponent(queue)}`) } });
    },
    onError: (error) => toast({ title: `Could not run ${queue}`, description: error.message, tone: "error" }),
  });
  return (
    <Button variant="secondary" size="sm" className="ml-auto" loading={run.isPending} aria-label={`Run now: ${queue}`} onClick={() => run.mutate()}>
      Run now
    </Button>
  );
}
