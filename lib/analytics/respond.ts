import { AppError } from "@/lib/http/errors";
import type { AnalyticsQuery } from "@/lib/analytics/range";

/**
 * What every analytics endpoint returns: the JSON report, or with
 * format=csv&chart=<name> that chart's rows as a CSV download.
 */
type Report = { from: string; to: string; charts: Record<string, Record<string, unknown>[]> };

export function respond(section: string, report: Report, query: AnalyticsQuery): Report | Response {
  if (query.format !== "csv") return report;
  const chart = query.chart ?? "";
  const data = Object.hasOwn(report.charts, chart) ? report.charts[chart] : undefined;
  if (!data) {
    throw new AppError("validation_failed", `Unknown chart '${chart}'`, {
      errors: [{ path: "query.chart", message: `One of: ${Object.keys(report.charts).join(", ")}`, code: "invalid_value" }],
    });
  }
  return new Response(toCsv(data), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${section}-${chart}-${report.from}-${report.to}.csv"`,
      "cache-control": "no-store",
    },
  });
}

/** RFC 4180 CSV. Text that a spreadsheet would run as a formula gets a leading apostrophe. */
export function toCsv(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return "";
    let text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.join(","), ...rows.map((row) => columns.map((column) => cell(row[column])).join(","))].join("\r\n") + "\r\n";
}
