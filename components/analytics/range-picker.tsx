"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { cx } from "@/components/ui/cx";

/**
 * The date range every analytics page reads from its URL (?from=&to=, UTC
 * dates, both included): presets for the last 7, 30, 90 and 365 days, or two
 * dates. Changing it rewrites the URL, so a range can be bookmarked and shared.
 */
const PRESETS = [7, 30, 90, 365] as const;

export function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

export function daysBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

export function useRange(): { from: string; to: string; query: string } {
  const params = useSearchParams();
  const to = params.get("to") ?? utcToday();
  const from = params.get("from") ?? daysBefore(to, 29);
  return { from, to, query: `from=${from}&to=${to}` };
}

export function RangePicker() {
  const router = useRouter();
  const pathname = usePathname();
  const { from, to } = useRange();
  const [draft, setDraft] = useState({ from, to });
  const [seen, setSeen] = useState({ from, to });
  if (seen.from !== from || seen.to !== to) {
    setSeen({ from, to });
    setDraft({ from, to });
  }
  const go = (next: { from: string; to: string }) => router.replace(`${pathname}?from=${next.from}&to=${next.to}`, { scroll: false });
  const today = utcToday();
  const span = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  const valid = draft.from !== "" && draft.to !== "" && draft.from <= draft.to;
  return (
    <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Date range">
      <div className="flex rounded-lg border border-slate-200 bg-white p-0.5 dark:border-slate-700 dark:bg-slate-900">
        {PRESETS.map((days) => {
          const active = to === today && span === days;
          return (
            <button
              key={days}
              type="button"
              aria-pressed={active}
              onClick={() => go({ from: daysBefore(today, days - 1), to: today })}
              className={cx(
                "rounded-md px-2.5 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-brand-600",
                active ? "bg-brand-600 text-white dark:bg-brand-500" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
              )}
            >
              {days === 365 ? "1y" : `${days}d`}
            </button>
          );
        })}
      </div>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          if (valid) go(draft);
        }}
      >
        <label className="text-xs text-slate-500 dark:text-slate-400">
          From
          <input
            type="date"
            value={draft.from}
            max={draft.to || undefined}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
            className="mt-0.5 block rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:[color-scheme:dark]"
          />
        </label>
        <label className="text-xs text-slate-500 dark:text-slate-400">
          To
          <input
            type="date"
            value={draft.to}
            min={draft.from || undefined}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
            className="mt-0.5 block rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:[color-scheme:dark]"
          />
        </label>
        <button
          type="submit"
          disabled={!valid || (draft.from === from && draft.to === to)}
          className="rounded-lg bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-40 dark:bg-slate-100 dark:text-slate-900"
        >
          Apply
        </button>
      </form>
    </div>
  );
}
