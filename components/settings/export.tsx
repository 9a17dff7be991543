"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { exportFilters, exportQuery, filtersFromParams } from "@/components/inbox/filters";
import { TYPE_LABELS } from "@/components/inbox/message-bits";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/display";
import { Select } from "@/components/ui/field";
import { DownloadIcon } from "@/components/ui/icons";
import { apiErrorOf, apiFetch } from "@/lib/http/api-client";
import type { MessageType } from "@/lib/messages/schemas";
import type { InboxFilters } from "@/lib/query-keys";

type Format = "json" | "ndjson" | "csv";
type Progress = { bytes: number; rows: number; done: boolean };
type Outcome = { name: string; by: "page" | "browser" };

const FORMATS: Record<Format, { type: string; label: string }> = {
  json: { type: "application/json", label: "JSON" },
  ndjson: { type: "application/x-ndjson", label: "NDJSON (one message per line)" },
  csv: { type: "text/csv", label: "CSV (spreadsheets)" },
};

type SaveFilePicker = (options: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;

/** The File System Access save dialog, where the browser has one (Chromium). */
function saveFilePicker(): SaveFilePicker | null {
  const picker = (window as Window & { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  return typeof picker === "function" ? picker.bind(window) : null;
}

function isAbort(cause: unknown): boolean {
  return (cause as Error | null)?.name === "AbortError";
}

/**
 * Exports GET /api/v1/messages/export without holding the file in memory,
 * whatever the size of the inbox. Where the browser has a save dialog
 * (showSaveFilePicker), the response is written to the chosen file chunk by
 * chunk while the page counts bytes and rows. Elsewhere the browser
 * downloads the URL itself and its downloads list shows the progress; a
 * one-message request first turns an expired session into an error here
 * rather than a saved error document.
 *
 * The inbox's "Export these" opens this page with its filters in the URL
 * (the inbox's own parameters); the export then holds only those messages.
 */
export function ExportSettings({ devices }: { devices: Array<{ id: string; name: string }> }) {
  const filters = exportFilters(filtersFromParams(new URLSearchParams(useSearchParams().toString())));
  const filtered = Object.keys(filters).length > 0;
  const [format, setFormat] = useState<Format>("json");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  const start = async () => {
    setError(null);
    setOutcome(null);
    setProgress(null);
    const name = `messages-${new Date().toISOString().slice(0, 10)}.${format}`;
    const url = `/api/v1/messages/export?${exportQuery(filters, format)}`;
    const picker = saveFilePicker();
    try {
      if (picker) await saveThroughPage(picker, url, name);
      else await saveThroughBrowser(url, name);
    } catch (cause) {
      setProgress(null);
      if (!isAbort(cause)) setError((cause as Error).message);
    }
  };

  const saveThroughPage = async (picker: SaveFilePicker, url: string, name: string) => {
    // The dialog must open first, while the click still counts as a user gesture.
    const handle = await picker({ suggestedName: name, types: [{ description: FORMATS[format].label, accept: { [FORMATS[format].type]: [`.${format}`] } }] });
    const file = await handle.createWritable();
    const controller = new AbortController();
    abort.current = controller;
    setProgress({ bytes: 0, rows: 0, done: false });
    try {
      const res = await fetch(url, { credentials: "same-origin", signal: controller.signal });
      if (!res.ok || !res.body) throw await apiErrorOf(res);
      const reader = res.body.getReader();
      let bytes = 0;
      let newlines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await file.write(value);
        bytes += value.byteLength;
        for (const byte of value) if (byte === 10) newlines++;
        setProgress({ bytes, rows: rowsFrom(format, newlines, false), done: false });
      }
      await file.close();
      setProgress({ bytes, rows: rowsFrom(format, newlines, true), done: true });
      setOutcome({ name: handle.name, by: "page" });
    } catch (cause) {
      // Discards what was written; a file that existed before keeps its old contents.
      await file.abort().catch(() => undefined);
      throw cause;
    }
  };

  const saveThroughBrowser = async (url: string, name: string) => {
    await apiFetch("/api/v1/messages?limit=1");
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setOutcome({ name, by: "browser" });
  };

  const busy = progress !== null && !progress.done;
  return (
    <Card>
      <CardHeader title="Export" description={filtered ? "Download the messages that match the inbox's filters." : "Download every message in your inbox."} />
      <div className="space-y-4 p-4 sm:p-5">
        {filtered ? (
          <div className="rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-800/50" data-testid="export-filters">
            <p className="text-slate-700 dark:text-slate-300">
              Only messages matching: <span className="font-medium text-slate-900 dark:text-slate-100">{describeFilters(filters, devices).join(" · ")}</span>
            </p>
            <Link href="/settings/export" className="font-medium text-brand-700 hover:underline dark:text-brand-300">
              Export all messages instead
            </Link>
          </div>
        ) : null}
        <Select label="Format" value={format} onChange={(event) => setFormat(event.target.value as Format)} disabled={busy}>
          {(Object.keys(FORMATS) as Format[]).map((key) => (
            <option key={key} value={key}>
              {FORMATS[key].label}
            </option>
          ))}
        </Select>
        <div className="flex flex-wrap gap-2">
          <Button icon={<DownloadIcon className="size-4" />} loading={busy} onClick={() => void start()}>
            Export messages
          </Button>
          {busy ? (
            <Button variant="secondary" onClick={() => { abort.current?.abort(); setProgress(null); }}>
              Cancel
            </Button>
          ) : null}
        </div>
        {progress ? (
          <div role="status" aria-live="polite" className="space-y-1.5">
            <div className="h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800">
              <div className={progress.done ? "h-full w-full bg-emerald-500" : "h-full w-1/3 animate-pulse bg-brand-500"} />
            </div>
            <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="export-progress">
              {progress.done ? "Done: " : "Saving: "}
              {progress.rows} message{progress.rows === 1 ? "" : "s"}, {formatBytes(progress.bytes)}
            </p>
          </div>
        ) : null}
        {outcome ? (
          <p role="status" className="text-sm text-slate-600 dark:text-slate-400" data-testid="export-outcome">
            {outcome.by === "page" ? `Saved ${outcome.name}.` : `Your browser is saving ${outcome.name}; its downloads list shows the progress.`}
          </p>
        ) : null}
        {error ? (
          <p role="alert" className="text-sm text-red-600 dark:text-red-400">
            {error}
          </p>
        ) : null}
      </div>
    </Card>
  );
}

/** "Pixel 8 · Unread · tagged otp · from 2026-11-01" for the filters an export applies. */
function describeFilters(filters: InboxFilters, devices: Array<{ id: string; name: string }>): string[] {
  const parts: string[] = [];
  if (filters.device) parts.push(devices.find((device) => device.id === filters.device)?.name ?? filters.device);
  if (filters.type) parts.push(TYPE_LABELS[filters.type as MessageType] ?? filters.type);
  if (filters.read) parts.push(filters.read === "true" ? "Read" : "Unread");
  if (filters.tag) parts.push(`tagged ${filters.tag}`);
  if (filters.priority) parts.push(`${filters.priority} priority`);
  if (filters.thread) parts.push(`conversation “${filters.thread}”`);
  if (filters.since) parts.push(`from ${filters.since}`);
  if (filters.until) parts.push(`to ${filters.until}`);
  return parts;
}

function rowsFrom(format: Format, newlines: number, done: boolean): number {
  // json: each message starts on a new line and the closing "]" adds two; csv: a header line
  // (a body with line breaks makes the csv count an upper bound until the file is saved).
  if (format === "csv") return Math.max(0, newlines - 1);
  if (format === "json") return done ? Math.max(0, newlines - 2) : newlines;
  return newlines;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
