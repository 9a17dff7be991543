import { z } from "zod";

/**
 * List pagination as API.md defines it: `?limit=` (default 50, max 500) and
 * an opaque `?cursor=` returning `{data, nextCursor, hasMore}`.
 *
 * The cursor holds the last row's id. Ids are prefixed, time-ordered and
 * unique, so "after this id" is a total order: no row is skipped or repeated
 * when rows are added between pages (they sort after the reader's position).
 */
export const limitSchema = z.coerce.number().int().min(1).max(500).default(50);

export function encodeIdCursor(id: string): string {
  return Buffer.from(JSON.stringify({ v: 1, id })).toString("base64url");
}

export function decodeIdCursor(cursor: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { v?: unknown; id?: unknown };
    if (parsed.v === 1 && typeof parsed.id === "string" && parsed.id.length > 0 && parsed.id.length <= 64) return parsed.id;
  } catch {
    // fall through
  }
  return null;
}

export const idCursorSchema = z
  .string()
  .max(200)
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return undefined;
    const id = decodeIdCursor(value);
    if (id === null) {
      ctx.addIssue({ code: "custom", message: "is not a cursor this server issued" });
      return z.NEVER;
    }
    return id;
  });

export const pageQuerySchema = z.object({ limit: limitSchema, cursor: idCursorSchema });

export type Page<T> = { data: T[]; nextCursor: string | null; hasMore: boolean };

/** Builds a page from rows fetched with `limit + 1`: the extra row only says there is more. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { data: kept.map(view), nextCursor: hasMore && last ? encodeIdCursor(last.id) : null, hasMore };
}
