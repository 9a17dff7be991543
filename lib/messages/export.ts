import { and, asc, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { messages } from "@/lib/db/schema/inbox";
import { getLogger } from "@/lib/log/logger";
import { filterConditions, type Filter } from "@/lib/messages/list";
import type { MessageView } from "@/lib/messages/schemas";
import { messageColumns, toMessageView } from "@/lib/messages/view";

export type ExportFormat = "json" | "ndjson" | "csv";

/** Rows per query. Memory holds one page at a time, whatever the export's size. */
export const EXPORT_PAGE = 1000;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: "application/json; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

const CSV_COLUMNS = [
  "id",
  "receivedAt",
  "sentAt",
  "type",
  "sender",
  "recipient",
  "title",
  "body",
  "app",
  "simSlot",
  "threadKey",
  "priority",
  "tags",
  "read",
  "readAt",
  "deviceId",
  "source",
  "externalId",
  "metadata",
] as const;

/**
 * A cell in RFC 4180 form: quoted when it holds a comma, quote, CR or LF,
 * with quotes doubled. A cell a spreadsheet would run as a formula (=…, @…,
 * or +/- followed by more than a number) gets a leading apostrophe, so an
 * SMS cannot execute in the spreadsheet someone opens the export in. Phone
 * numbers such as +15551234567 stay as they are.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][\d\s().-]*$/.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(message: MessageView): string {
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = { ...message, tags: message.tags.join(";") };
  return `${CSV_COLUMNS.map((column) => csvCell(values[column])).join(",")}\r\n`;
}

/**
 * Streams a user's live messages matching a filter, oldest first, in the
 * chosen format. Each pull reads the next keyset page (received_at, id), so
 * the export holds no cursor or transaction open between pages and its
 * memory stays one page deep however large it grows.
 */
export function exportMessages(db: Queryable, userId: string, filter: Filter, format: ExportFormat): { stream: ReadableStream<Uint8Array>; contentType: string; filename: string } {
  const encoder = new TextEncoder();
  let after: { receivedAt: Date; id: string } | null = null;
  let first = true;
  let done = false;
  let exported = 0;

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      try {
        const conditions = filterConditions(userId, filter);
        if (after) conditions.push(sql`(${messages.receivedAt}, ${messages.id}) > (${after.receivedAt}, ${after.id})`);
        const rows = await db
          .select(messageColumns)
          .from(messages)
          .where(and(...conditions))
          .orderBy(asc(messages.receivedAt), asc(messages.id))
          .limit(EXPORT_PAGE);
        let chunk = "";
        if (first) chunk += format === "json" ? "[" : format === "csv" ? `${CSV_COLUMNS.join(",")}\r\n` : "";
        for (const row of rows) {
          const message = toMessageView(row);
          if (format === "csv") chunk += csvRow(message);
          else if (format === "ndjson") chunk += `${JSON.stringify(message)}\n`;
          else chunk += `${first ? "\n" : ",\n"}${JSON.stringify(message)}`;
          first = false;
        }
        exported += rows.length;
        const last = rows[rows.length - 1];
        if (last) after = { receivedAt: last.receivedAt, id: last.id };
        if (rows.length < EXPORT_PAGE) {
          if (format === "json") chunk += first ? "]\n" : "\n]\n";
          done = true;
          getLogger().info({ format, exported }, "messages exported");
        }
        if (chunk) controller.enqueue(encoder.encode(chunk));
        if (done) controller.close();
      } catch (error) {
        getLogger().error({ err: error, format, exported }, "export failed part-way");
        controller.error(error);
      }
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return { stream, contentType: CONTENT_TYPES[format], filename: `messages-${date}.${format}` };
}
