import { z } from "zod";

/**
 * Keyset pagination for list routes: `?limit=` (default 50, max 500) and an
 * opaque `?cursor=` that carries the sort key of the last row returned, so
 * page N costs the same as page 1 and rows inserted meanwhile never shift a
 * page. The cursor is base64url JSON; a cursor this server did not issue is
 * a 422, never a 500.
 */
export type CursorValue = string | number | null;

export function encodeListCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify({ v: 1, k: values })).toString("base64url");
}

export function decodeListCursor(cursor: string, length: number): CursorValue[] | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { v?: unknown; k?: unknown };
    if (parsed.v !== 1 || !Array.isArray(parsed.k) || parsed.k.length !== length) return null;
    if (!parsed.k.every((value) => value === null || typeof value === "string" || (typeof value === "number" && Number.isFinite(value)))) return null;
    return parsed.k as CursorValue[];
  } catch {
    return null;
  }
}

export const listLimitSchema = z.coerce.number().int().min(1).max(500).default(50).meta({ description: "Page size (1–500, default 50)." });

export const listCursorSchema = z.string().min(1).max(1000).optional().meta({ description: "The `nextCursor` of the previous page." });

/** The page envelope every list returns. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => CursorValue[]): { data: T[]; nextCursor: string | null; hasMore: boolean } {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data[data.length - 1];
  return { data, nextCursor: hasMore && last ? encodeListCursor(cursorOf(last)) : null, hasMore };
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable(), hasMore: z.boolean() });
}
