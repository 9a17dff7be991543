import { AppError } from "@/lib/http/errors";

/**
 * List cursors for rooms, messages and search: opaque to clients (base64url
 * of a small JSON object), so the server can change what is inside.
 */
export function encodeListCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Decodes a cursor this server issued, checking each expected field's type; anything else is a 422. */
export function decodeListCursor<T extends Record<string, "string" | "number">>(cursor: string, shape: T): { [K in keyof T]: T[K] extends "string" ? string : number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const ok =
    parsed !== null &&
    typeof parsed === "object" &&
    Object.entries(shape).every(([key, type]) => {
      const value = (parsed as Record<string, unknown>)[key];
      return type === "number" ? Number.isSafeInteger(value) : typeof value === "string" && value.length <= 100;
    });
  if (!ok) throw new AppError("validation_failed", "The query failed validation", { errors: [{ path: "query.cursor", message: "is not a cursor this server issued" }] });
  return parsed as { [K in keyof T]: T[K] extends "string" ? string : number };
}
