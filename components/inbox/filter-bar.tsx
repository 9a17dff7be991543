"use client";

import Link from "next/link";
import { useState } from "react";
import { exportFilters } from "@/components/inbox/filters";
import type { InboxDevice } from "@/components/inbox/inbox";
import { TYPE_LABELS } from "@/components/inbox/message-bits";
import { cx } from "@/components/ui/cx";
import type { InboxFilters } from "@/lib/query-keys";

type Changes = Partial<Record<keyof InboxFilters | "view" | "m", string | undefined>>;

const SELECT =
  "h-9 max-w-full rounded-lg border border-slate-300 bg-white px-2 pr-7 text-sm text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";

/** The inbox's filters; every change goes to the URL, which is the one source of truth. */
export function InboxFilterBar({ filters, devices, view, onChange }: { filters: InboxFilters; devices: InboxDevice[]; view: "messages" | "threads"; onChange: (changes: Changes) => void }) {
  const [tag, setTag] = useState(filters.tag ?? "");
  const extra = [filters.type, filters.tag, filters.priority, filters.since, filters.until].filter(Boolean).length;
  const active = Object.keys(filters).length;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <div role="group" aria-label="View" className="inline-flex rounded-lg border border-slate-300 p-0.5 dark:border-slate-700">
          {(["messages", "threads"] as const).map((id) => (
            <button
              key={id}
              type="button"
              aria-pressed={view === id}
              onClick={() => onChange({ view: id === "threads" ? "threads" : undefined })}
              className={cx(
                "h-8 rounded-md px-3 text-sm font-medium",
                view === id ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
              )}
            >
              {id === "messages" ? "Messages" : "Threads"}
            </button>
          ))}
        </div>
        <label className="sr-only" htmlFor="filter-device">
          Device
        </label>
        <select id="filter-device" className={cx(SELECT, "w-52 sm:w-64")} value={filters.device ?? ""} onChange={(event) => onChange({ device: event.target.value || undefined })}>
          <option value="">All devices</option>
          {devices.map((device) => (
            <option key={device.id} value={device.id}>
              {device.unreadCount > 0 ? `${device.name} (${device.unreadCount} unread)` : device.name}
            </option>
          ))}
        </select>
        {view === "messages" ? (
          <>
            <label className="sr-only" htmlFor="filter-read">
              Read state
            </label>
            <select id="filter-read" className={SELECT} value={filters.read ?? ""} onChange={(event) => onChange({ read: event.target.value || undefined })}>
              <option value="">Read and unread</option>
              <option value="false">Unread</option>
              <option value="true">Read</option>
            </select>
          </>
        ) : null}
        {active > 0 ? (
          <button type="button" className="h-9 rounded-lg px-2 text-sm font-medium text-brand-700 hover:underline dark:text-brand-300" onClick={() => onChange({ device: undefined, type: undefined, read: undefined, tag: undefined, priority: undefined, thread: undefined, since: undefined, until: undefined, q: undefined })}>
            Clear filters
          </button>
        ) : null}
        {active > 0 && !filters.q && view === "messages" ? (
          <Link
            href={`/settings/export?${new URLSearchParams(Object.entries(exportFilters(filters)) as Array<[string, string]>).toString()}`}
            className="inline-flex h-9 items-center rounded-lg px-2 text-sm font-medium text-brand-700 hover:underline dark:text-brand-300"
          >
            Export these
          </Link>
        ) : null}
      </div>
      {filters.thread && view === "messages" ? (
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
          <span>
            Conversation <q className="font-medium text-slate-900 dark:text-slate-100">{filters.thread}</q>
          </span>
          <button type="button" className="font-medium text-brand-700 hover:underline dark:text-brand-300" onClick={() => onChange({ thread: undefined, view: "threads" })}>
            Back to threads
          </button>
        </div>
      ) : null}
      {filters.q ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Results for <q className="font-medium text-slate-900 dark:text-slate-100">{filters.q}</q>
        </p>
      ) : null}
      {view === "messages" ? (
        <details className="group" open={extra > 0 || undefined}>
          <summary className="cursor-pointer select-none text-sm font-medium text-slate-700 dark:text-slate-300">More filters{extra > 0 ? ` (${extra})` : ""}</summary>
          <div className="mt-2 grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-end">
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
              Type
              <select className={SELECT} value={filters.type ?? ""} onChange={(event) => onChange({ type: event.target.value || undefined })}>
                <option value="">Any type</option>
                {Object.entries(TYPE_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
              Priority
              <select className={SELECT} value={filters.priority ?? ""} onChange={(event) => onChange({ priority: event.target.value || undefined })}>
                <option value="">Any priority</option>
                {["low", "normal", "high", "urgent"].map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <form
              className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400"
              onSubmit={(event) => {
                event.preventDefault();
                onChange({ tag: tag.trim().toLowerCase() || undefined });
              }}
            >
              <label htmlFor="filter-tag">Tag</label>
              <input
                id="filter-tag"
                className={cx(SELECT, "w-full sm:w-32")}
                value={tag}
                placeholder="any"
                onChange={(event) => setTag(event.target.value)}
                onBlur={() => onChange({ tag: tag.trim().toLowerCase() || undefined })}
              />
            </form>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
              From
              <input type="date" className={SELECT} value={filters.since ?? ""} onChange={(event) => onChange({ since: event.target.value || undefined })} />
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
              To
              <input type="date" className={SELECT} value={filters.until ?? ""} onChange={(event) => onChange({ until: event.target.value || undefined })} />
            </label>
          </div>
        </details>
      ) : null}
    </div>
  );
}
