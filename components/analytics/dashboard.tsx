"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/display";
import { ErrorState } from "@/components/ui/states";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import { RangePicker, useRange } from "@/components/analytics/range-picker";

/**
 * The frame of every analytics page: the range picker, a row of headline
 * figures, then the section's charts. It loads the section's endpoint for
 * the range in the URL and shows a skeleton while it loads and the error,
 * with a retry, when it fails.
 */
export type Stat = { label: string; value: ReactNode; hint?: string };

export function useReport<T>(endpoint: string) {
  const { from, to, query } = useRange();
  const result = useQuery({ queryKey: ["analytics", endpoint, from, to], queryFn: () => apiFetch<T>(`${endpoint}?${query}`), refetchInterval: 60_000 });
  const csv = (chart: string) => `${endpoint}?${query}&format=csv&chart=${chart}`;
  return { ...result, csv, from, to };
}

export function Stats({ stats, label }: { stats: Stat[]; label: string }) {
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label={label}>
      {stats.map((stat) => (
        <div key={stat.label} className="rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
          <dt className="text-xs text-slate-500 dark:text-slate-400">{stat.label}</dt>
          <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums dark:text-slate-100">{stat.value}</dd>
          {stat.hint ? <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">{stat.hint}</p> : null}
        </div>
      ))}
    </dl>
  );
}

export function DashboardFrame<T>({ report, label, children }: { report: { data: T | undefined; isPending: boolean; error: unknown; refetch: () => unknown }; label: string; children: (data: T) => ReactNode }) {
  let body: ReactNode;
  if (report.error) {
    const error = report.error;
    body = (
      <Card>
        <ErrorState title={`Could not load ${label.toLowerCase()}`} detail={error instanceof Error ? error.message : String(error)} requestId={error instanceof ApiError ? error.requestId : null} onRetry={() => void report.refetch()} />
      </Card>
    );
  } else if (report.isPending || report.data === undefined) {
    body = (
      <div aria-busy="true" aria-label={`Loading ${label.toLowerCase()}`} className="flex flex-col gap-6">
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {Array.from({ length: 6 }, (_, i) => (
            <div key={i} className="h-[70px] animate-pulse rounded-xl bg-slate-100 dark:bg-slate-800" />
          ))}
        </div>
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          {Array.from({ length: 4 }, (_, i) => (
            <div key={i} className="h-72 animate-pulse rounded-xl bg-slate-100 dark:bg-slate-800" />
          ))}
        </div>
      </div>
    );
  } else {
    body = <div className="flex flex-col gap-6">{children(report.data)}</div>;
  }
  return (
    <section aria-label={label} className="flex flex-col gap-6">
      <RangePicker />
      {body}
    </section>
  );
}

export function Grid({ children }: { children: ReactNode }) {
  return <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">{children}</div>;
}

export const percent = (value: number | null | undefined) => (value === null || value === undefined ? "–" : `${(value * 100).toFixed(value === 1 || value === 0 ? 0 : 1)} %`);
export const number = (value: number | null | undefined) => (value === null || value === undefined ? "–" : value.toLocaleString());

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** Axis ticks: 750 ms, 1.5 s, 2 min, 3.5 h, 60 d. */
export function shortMs(value: number): string {
  if (value >= 86_400_000) return `${Math.round((value / 86_400_000) * 10) / 10} d`;
  if (value >= 3_600_000) return `${Math.round((value / 3_600_000) * 10) / 10} h`;
  if (value >= 60_000) return `${Math.round((value / 60_000) * 10) / 10} min`;
  if (value >= 1000) return `${Math.round((value / 1000) * 10) / 10} s`;
  return `${Math.round(value)} ms`;
}

/** A latency: 850 ms, 12.5 s, then as a duration (4 min, 2.5 h, 60.0 d). */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (value < 10_000) return `${Math.round(value).toLocaleString()} ms`;
  return value < 60_000 ? `${(value / 1000).toFixed(1)} s` : duration(value / 1000);
}
