"use client";

import type { ReactNode } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, CardHeader } from "@/components/ui/display";
import { buttonClasses } from "@/components/ui/button";

/**
 * The analytics charts: a card per chart with its title, what it counts, a
 * CSV download of exactly the rows it plots, and an empty state. Axis text
 * and grid take their colour from the card, so they follow dark mode.
 */
export type Row = Record<string, unknown>;
export type Series = { key: string; label: string; color?: string };
export type ChartKind = "bar" | "stacked" | "line" | "area" | "hbar";

export const PALETTE = ["#6366f1", "#10b981", "#f59e0b", "#ef4444", "#06b6d4", "#a855f7", "#64748b", "#ec4899"];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const monthDay = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
const dayTime = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });

/** "2026-11-20" → "Nov 20"; an ISO time → "Nov 20, 14:05"; anything else as is. */
export function formatX(value: unknown): string {
  const text = String(value ?? "");
  if (DAY.test(text)) return monthDay.format(new Date(`${text}T00:00:00Z`));
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return dayTime.format(new Date(text));
  return text.length > 28 ? `…${text.slice(-27)}` : text;
}

export function ChartCard({ title, description, csvHref, empty, children, className }: { title: string; description?: ReactNode; csvHref?: string; empty?: boolean; children: ReactNode; className?: string }) {
  return (
    <Card className={className}>
      <CardHeader
        title={title}
        description={description}
        actions={
          csvHref ? (
            <a href={csvHref} download className={buttonClasses({ variant: "secondary", size: "sm" })} aria-label={`Download CSV: ${title}`}>
              CSV
            </a>
          ) : undefined
        }
      />
      <div className="px-2 py-4 text-slate-500 sm:px-4 dark:text-slate-400">
        {empty ? <p className="flex h-40 items-center justify-center text-sm">No data in this range.</p> : children}
      </div>
    </Card>
  );
}

type TooltipEntry = { dataKey?: unknown; name?: unknown; value?: unknown; color?: string };

function ChartTooltip({ active, payload, label, format }: { active?: boolean; payload?: readonly TooltipEntry[]; label?: unknown; format?: (value: number) => string }) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-xs shadow-md dark:border-slate-700 dark:bg-slate-900">
      <p className="mb-1 font-medium text-slate-900 dark:text-slate-100">{formatX(label)}</p>
      {payload.map((entry) => (
        <p key={String(entry.dataKey)} className="flex items-center gap-2 text-slate-600 dark:text-slate-300">
          <span className="inline-block size-2 rounded-full" style={{ background: entry.color }} aria-hidden />
          {String(entry.name)}: <span className="font-medium tabular-nums">{format ? format(Number(entry.value)) : Number(entry.value).toLocaleString()}</span>
        </p>
      ))}
    </div>
  );
}

const axis = { fontSize: 12, tick: { fill: "currentColor" }, stroke: "currentColor", strokeOpacity: 0.3 };

/** The widest a category axis (routes, senders, people) grows, and the room its tick and margin take. */
const CATEGORY_MAX = 190;
const TICK_SPACE = 14;

let measurer: CanvasRenderingContext2D | null | undefined;

/** How wide an axis label draws in the page's font; estimated where there is no canvas. */
function labelWidth(text: string): number {
  if (measurer === undefined) {
    measurer = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
    if (measurer) measurer.font = `${axis.fontSize}px ${getComputedStyle(document.body).fontFamily}`;
  }
  return measurer ? measurer.measureText(text).width : text.length * 7.5;
}

/** A label cut from the left ("…/messages/[id]", the end says most) until it fits `width`. */
function fitLabel(text: string, width: number): string {
  if (labelWidth(text) <= width) return text;
  let kept = text;
  while (kept.length > 1 && labelWidth(`…${kept}`) > width) kept = kept.slice(1);
  return `…${kept}`;
}

/** One chart over rows: x along the bottom (or down the side for hbar), one bar/line per series. */
export function Chart({
  kind,
  data,
  x,
  series,
  height = 260,
  format,
  axisFormat,
  showLegend,
  label,
}: {
  kind: ChartKind;
  data: Row[];
  x: string;
  series: Series[];
  height?: number;
  /** Values in the tooltip (and on the axis unless axisFormat is given). */
  format?: (value: number) => string;
  /** Shorter values for the axis ticks. */
  axisFormat?: (value: number) => string;
  /** A legend even for one series (its name says what it is: a device, a queue). */
  showLegend?: boolean;
  label: string;
}) {
  const colored = series.map((s, index) => ({ ...s, color: s.color ?? PALETTE[index % PALETTE.length] }));
  const legend = colored.length > 1 || showLegend ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null;
  const tooltip = <Tooltip cursor={{ fillOpacity: 0.08 }} content={(props) => <ChartTooltip active={props.active} payload={props.payload as readonly TooltipEntry[] | undefined} label={props.label} format={format} />} />;
  const grid = <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} vertical={kind === "hbar"} horizontal={kind !== "hbar"} />;
  const tickFormat = axisFormat ?? format;
  const yTick = tickFormat ? (value: number) => tickFormat(value) : (value: number) => value.toLocaleString();
  // Category labels get the width their longest needs, measured, up to CATEGORY_MAX; longer ones are cut to fit.
  const categoryWidth = kind === "hbar" ? Math.min(CATEGORY_MAX, Math.max(64, Math.ceil(Math.max(0, ...data.map((row) => labelWidth(formatX(row[x]))))) + TICK_SPACE)) : 0;
  let chart: ReactNode;
  if (kind === "hbar") {
    chart = (
      <BarChart data={data} layout="vertical" margin={{ left: 4, right: 16 }}>
        {grid}
        <XAxis type="number" allowDecimals={false} tickFormatter={yTick} {...axis} />
        <YAxis type="category" dataKey={x} width={categoryWidth} tickFormatter={(value) => fitLabel(formatX(value), categoryWidth - TICK_SPACE)} interval={0} {...axis} />
        {tooltip}
        {legend}
        {colored.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} radius={[0, 3, 3, 0]} maxBarSize={22} isAnimationActive={false} />
        ))}
      </BarChart>
    );
  } else if (kind === "line") {
    chart = (
      <LineChart data={data} margin={{ right: 12 }}>
        {grid}
        <XAxis dataKey={x} tickFormatter={formatX} minTickGap={24} {...axis} />
        <YAxis allowDecimals={false} tickFormatter={yTick} width={52} {...axis} />
        {tooltip}
        {legend}
        {colored.map((s) => (
          <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={data.length < 20} isAnimationActive={false} />
        ))}
      </LineChart>
    );
  } else if (kind === "area") {
    chart = (
      <AreaChart data={data} margin={{ right: 12 }}>
        {grid}
        <XAxis dataKey={x} tickFormatter={formatX} minTickGap={24} {...axis} />
        <YAxis allowDecimals={false} tickFormatter={yTick} width={52} {...axis} />
        {tooltip}
        {legend}
        {colored.map((s) => (
          <Area key={s.key} type="stepAfter" dataKey={s.key} name={s.label} stackId="a" stroke={s.color} fill={s.color} fillOpacity={0.35} isAnimationActive={false} />
        ))}
      </AreaChart>
    );
  } else {
    chart = (
      <BarChart data={data} margin={{ right: 12 }}>
        {grid}
        <XAxis dataKey={x} tickFormatter={formatX} minTickGap={16} {...axis} />
        <YAxis allowDecimals={false} tickFormatter={yTick} width={52} {...axis} />
        {tooltip}
        {legend}
        {colored.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} stackId={kind === "stacked" ? "s" : undefined} maxBarSize={48} isAnimationActive={false} />
        ))}
      </BarChart>
    );
  }
  return (
    <figure aria-label={label} className="m-0">
      <ResponsiveContainer width="100%" height={kind === "hbar" ? Math.max(160, data.length * 30 + 50) : height}>
        {chart}
      </ResponsiveContainer>
    </figure>
  );
}

export type Column = { key: string; label: string; format?: (value: unknown, row: Row) => ReactNode; numeric?: boolean };

/** The rows a chart could not show well (names, several figures): a table that scrolls sideways on a phone. */
export function DataTable({ rows, columns, label }: { rows: Row[]; columns: Column[]; label: string }) {
  return (
    <div className="overflow-x-auto">
      <table aria-label={label} className="w-full min-w-[24rem] text-left text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
            {columns.map((column) => (
              <th key={column.key} scope="col" className={`px-2 py-2 font-medium ${column.numeric ? "text-right" : ""}`}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map((row, index) => (
            <tr key={index} className="text-slate-800 dark:text-slate-200">
              {columns.map((column) => (
                <td key={column.key} className={`px-2 py-2 ${column.numeric ? "text-right tabular-nums" : ""}`}>
                  {column.format ? column.format(row[column.key], row) : row[column.key] === null || row[column.key] === undefined ? "–" : String(row[column.key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Long rows ({day, type, count}) to one row per x with a column per series,
 * zeros filled. With `top`, the smaller series fold into "Other".
 */
export function pivot(rows: Row[], x: string, key: string, value: string, options: { xs?: string[]; top?: number; labelKey?: string } = {}): { data: Row[]; series: Series[] } {
  const totals = new Map<string, { label: string; total: number }>();
  for (const row of rows) {
    const id = String(row[key]);
    const entry = totals.get(id) ?? { label: String(row[options.labelKey ?? key] ?? id), total: 0 };
    entry.total += Number(row[value]);
    totals.set(id, entry);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].total - a[1].total || a[1].label.localeCompare(b[1].label));
  const kept = options.top && ranked.length > options.top ? ranked.slice(0, options.top - 1) : ranked;
  const keptIds = new Set(kept.map(([id]) => id));
  const series: Series[] = kept.map(([id, entry]) => ({ key: `s_${id || "none"}`, label: entry.label }));
  if (kept.length < ranked.length) series.push({ key: "s__other", label: "Other" });
  const xs = options.xs ?? [...new Set(rows.map((row) => String(row[x])))];
  const byX = new Map<string, Row>(xs.map((v) => [v, Object.fromEntries([[x, v], ...series.map((s) => [s.key, 0])])]));
  for (const row of rows) {
    const target = byX.get(String(row[x]));
    if (!target) continue;
    const id = String(row[key]);
    const column = keptIds.has(id) ? `s_${id || "none"}` : "s__other";
    target[column] = Number(target[column] ?? 0) + Number(row[value]);
  }
  return { data: [...byX.values()], series };
}
