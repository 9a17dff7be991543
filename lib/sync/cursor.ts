import { z } from "zod";

/**
 * Sync cursors are opaque to clients: base64url of a versioned position, so
 * the server can change what is inside without breaking stored cursors.
 */
export function encodeCursor(position: number): string {
  return Buffer.from(JSON.stringify({ v: 1, p: position })).toString("base64url");
}

export function decodeCursor(cursor: string): number | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { v?: unknown; p?: unknown };
    if (parsed.v === 1 && typeof parsed.p === "number" && Number.isSafeInteger(parsed.p) && parsed.p >= 0) return parsed.p;
  } catch {
    // fall through
  }
  return null;
}

/** `since` query parameter: absent means from the beginning. */
export const sinceSchema = z
  .string()
  .max(200)
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return 0;
    const position = decodeCursor(value);
    if (position === null) {
      ctx.addIssue({ code: "custom", message: "is not a cursor this server issued" });
      return z.NEVER;
    }
    return position;
  });

export const syncLimitSchema = z.coerce.number().int().min(1).max(1000).default(500);
