"use client";

import Link from "next/link";
import { useState } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Sheet } from "@/components/ui/dialog";
import { Badge, Card, CardHeader, type Tone } from "@/components/ui/display";
import { Select } from "@/components/ui/field";
import { ClockIcon } from "@/components/ui/icons";
import { SkeletonList, Spinner } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import type { JobDetail, JobState, JobView } from "@/lib/jobs/admin";
import { apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";

type JobPage = { data: JobView[]; nextCursor: string | null; hasMore: boolean };

const STATE_TONE: Record<JobState, Tone> = { created: "neutral", retry: "warning", active: "brand", completed: "success", cancelled: "neutral", failed: "danger" };

const jobUrl = (queue: string, id: string) => `/api/v1/admin/jobs/${encodeURIComponent(queue)}/${encodeURIComponent(id)}`;

/** One queue's jobs, newest first, by state; a job opens in a side sheet with its timeline, data and output. */
export function QueueJobs({ queue, states, initialPage }: { queue: string; states: JobState[]; initialPage: JobPage }) {
  const [state, setState] = useState("");
  const [openId, setOpenId] = useState<string | null>(null);
  const jobs = useInfiniteQuery({
    queryKey: queryKeys.admin.queueJobs(queue, { state: state || undefined }),
    queryFn: ({ pageParam }) => {
      const search = new URLSearchParams({ limit: "50" });
      if (state) search.set("state", state);
      if (pageParam) search.set("cursor", pageParam);
      return apiFetch<JobPage>(`/api/v1/admin/jobs/${encodeURIComponent(queue)}?${search}`);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? (last.nextCursor ?? undefined) : undefined),
    initialData: state ? undefined : { pages: [initialPage], pageParams: [undefined] },
    refetchInterval: 10_000,
  });
  const rows = jobs.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <div className="space-y-4">
      <Link href="/admin/jobs" className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300">
        ← All queues
      </Link>
      <Card>
        <CardHeader
          title={<span className="font-mono">{queue}</span>}
          description="Live and archived jobs, newest first."
          actions={
            <Select label="State" hideLabel className="w-40" value={state} onChange={(e) => setState(e.target.value)}>
              <option value="">Any state</option>
              {states.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </Select>
          }
        />
        {jobs.isPending ? (
          <SkeletonList rows={4} label="Loading jobs" />
        ) : jobs.isError && rows.length === 0 ? (
          <ErrorState title="Could not load jobs" detail={jobs.error.message} onRetry={() => void jobs.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState icon={<ClockIcon className="size-7" />} title={state ? `No ${state} jobs` : "No jobs in this queue"} />
        ) : (
          <ul aria-label="Jobs" className="divide-y divide-slate-200 border-t border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {rows.map((job) => (
              <li key={job.id}>
                <button
                  type="button"
                  onClick={() => setOpenId(job.id)}
                  className="flex w-full flex-col gap-1 px-4 py-3 text-left hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none sm:px-5 dark:hover:bg-slate-800/50 dark:focus-visible:bg-slate-800/50"
                >
                  <span className="flex flex-wrap items-center gap-2">
                    <Badge tone={STATE_TONE[job.state]}>{job.state}</Badge>
                    {job.archived ? <Badge>archived</Badge> : null}
                    <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{job.id}</span>
                    <span className="text-xs text-slate-500 dark:text-slate-400">
                      created <RelativeTime value={job.createdOn} /> · attempt {job.attempts || 0} of {job.retryLimit + 1}
                    </span>
                  </span>
                  <span className="truncate font-mono text-xs text-slate-700 dark:text-slate-300">{job.dataSummary}</span>
                  {job.error ? <span className="truncate text-xs text-red-700 dark:text-red-300">{job.error}</span> : null}
                </button>
              </li>
            ))}
          </ul>
        )}
        {jobs.hasNextPage ? (
          <div className="border-t border-slate-200 p-3 text-center dark:border-slate-800">
            <Button variant="ghost" loading={jobs.isFetchingNextPage} onClick={() => void jobs.fetchNextPage()}>
              Load older jobs
            </Button>
          </div>
        ) : null}
      </Card>
      <Sheet side="right" open={openId !== null} onClose={() => setOpenId(null)} title="Job">
        {openId ? <JobDetailView queue={queue} id={openId} /> : null}
      </Sheet>
    </div>
  );
}

function JobDetailView({ queue, id }: { queue: string; id: string }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const job = useQuery({ queryKey: queryKeys.admin.job(queue, id), queryFn: async () => (await apiFetch<{ job: JobDetail }>(jobUrl(queue, id))).job });
  const act = useMutation({
    mutationFn: async (action: "retry" | "cancel") => (await apiFetch<{ job: JobDetail }>(`${jobUrl(queue, id)}/${action}`, { method: "POST" })).job,
    onSuccess: (updated, action) => {
      queryClient.setQueryData(queryKeys.admin.job(queue, id), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.admin.jobs() });
      toast({ title: action === "retry" ? "Job queued again" : "Job cancelled", tone: "success" });
    },
    onError: (error) => toast({ title: "Could not change the job", description: error.message, tone: "error" }),
  });
  if (job.isPending) return <Spinner label="Loading the job" />;
  if (job.isError) return <ErrorState title="Could not load the job" detail={job.error.message} onRetry={() => void job.refetch()} />;
  const detail = job.data;
  const canRetry = !detail.archived && detail.state === "failed";
  const canCancel = !detail.archived && ["created", "retry", "active"].includes(detail.state);
  return (
    <div className="space-y-5 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={STATE_TONE[detail.state]}>{detail.state}</Badge>
        {detail.archived ? <Badge>archived</Badge> : null}
        <span className="font-mono text-xs break-all text-slate-600 dark:text-slate-400">{detail.id}</span>
      </div>
      {canRetry || canCancel ? (
        <div className="flex gap-2">
          {canRetry ? (
            <Button loading={act.isPending} onClick={() => act.mutate("retry")}>
              Retry
            </Button>
          ) : null}
          {canCancel ? (
            <Button variant="danger" loading={act.isPending} onClick={() => act.mutate("cancel")}>
              Cancel job
            </Button>
          ) : null}
        </div>
      ) : null}
      <section>
        <h3 className="mb-2 font-semibold text-slate-900 dark:text-slate-100">History</h3>
        <ol className="space-y-2 border-l border-slate-200 pl-4 dark:border-slate-700">
          {detail.history.map((entry, index) => (
            <li key={index}>
              <span className="font-medium text-slate-900 dark:text-slate-100">{entry.event}</span>{" "}
              <span className="text-xs text-slate-500 dark:text-slate-400">
                <RelativeTime value={entry.at} />
              </span>
              {entry.detail ? <p className="text-xs break-words text-slate-600 dark:text-slate-400">{entry.detail}</p> : null}
            </li>
          ))}
        </ol>
      </section>
      <section>
        <h3 className="mb-2 font-semibold text-slate-900 dark:text-slate-100">Data</h3>
        <pre className="max-h-64 overflow-auto rounded-lg bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-all dark:bg-slate-950">{JSON.stringify(detail.data, null, 2)}</pre>
      </section>
      {detail.output !== null ? (
        <section>
          <h3 className="mb-2 font-semibold text-slate-900 dark:text-slate-100">Output</h3>
          <pre className="max-h-64 overflow-auto rounded-lg bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-all dark:bg-slate-950">{JSON.stringify(detail.output, null, 2)}</pre>
        </section>
      ) : null}
      {detail.related.length ? (
        <section>
          <h3 className="mb-2 font-semibold text-slate-900 dark:text-slate-100">Related jobs</h3>
          <ul className="space-y-1">
            {detail.related.map((other) => (
              <li key={other.id} className="flex items-center gap-2">
                <Badge tone={STATE_TONE[other.state]}>{other.state}</Badge>
                <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{other.id}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
