"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/display";
import { Select } from "@/components/ui/field";
import { DownloadIcon } from "@/components/ui/icons";

type Progress = { bytes: number; rows: number; done: boolean };

const TYPES = { json: "application/json", ndjson: "application/x-ndjson", csv: "text/csv" } as const;

/**
 * Downloads GET /api/v1/messages/export by streaming it: the bytes and rows
 * are counted as they arrive (the progress indicator), then the file is
 * offered as a download. Rows are counted by newlines (ndjson, csv) or
 * by the lines the json export starts each message on.
 */
export function ExportSettings() {
  const [format, setFormat] = useState<keyof typeof TYPES>("json");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<{ url: string; name: string } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const link = useRef<HTMLAnchorElement>(null);

  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (file) link.current?.click();
    return () => {
      if (file) URL.revokeObjectURL(file.url);
    };
  }, [file]);

  const start = async () => {
    setError(null);
    setFile(null);
    setProgress({ bytes: 0, rows: 0, done: false });
    const controller = new AbortController();
    abort.current = controller;
    try {
      const res = await fetch(`/api/v1/messages/export?format=${format}`, { credentials: "same-origin", signal: controller.signal });
      if (!res.ok || !res.body) {
        const problem = (await res.json().catch(() => null)) as { detail?: string } | null;
        throw new Error(problem?.detail ?? `The export failed (${res.status})`);
      }
      const reader = res.body.getReader();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let bytes = 0;
      let newlines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.byteLength;
        for (const byte of value) if (byte === 10) newlines++;
        setProgress({ bytes, rows: rowsFrom(format, newlines, false), done: false });
      }
      setProgress({ bytes, rows: rowsFrom(format, newlines, true), done: true });
      const name = `message-hub-export-${new Date().toISOString().slice(0, 10)}.${format}`;
      setFile({ url: URL.createObjectURL(new Blob(chunks, { type: TYPES[format] })), name });
    } catch (cause) {
      if ((cause as Error).name === "AbortError") return;
      setProgress(null);
      setError((cause as Error).message);
    }
  };

  const busy = progress !== null && !progress.done;
  return (
    <Card>
      <CardHeader title="Export" description="Download every message in your inbox." />
      <div className="space-y-4 p-4 sm:p-5">
        <Select label="Format" value={format} onChange={(event) => setFormat(event.target.value as keyof typeof TYPES)} disabled={busy}>
          <option value="json">JSON</option>
          <option value="ndjson">NDJSON (one message per line)</option>
          <option value="csv">CSV (spreadsheets)</option>
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
              {progress.done ? "Done: " : "Downloading: "}
              {progress.rows} message{progress.rows === 1 ? "" : "s"}, {formatBytes(progress.bytes)}
            </p>
          </div>
        ) : null}
        {file ? (
          <a ref={link} href={file.url} download={file.name} className="text-sm font-medium text-brand-700 underline dark:text-brand-300">
            Save {file.name}
          </a>
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

function rowsFrom(format: keyof typeof TYPES, newlines: number, done: boolean): number {
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
