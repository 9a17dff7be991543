import type { SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";

export async function rows<T>(db: Queryable, query: SQL): Promise<T[]> {
  return (await db.execute(query)).rows as T[];
}

export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

export function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** One row per key in `keys`, zeros where the query returned nothing. */
export function fill<K extends string, R extends Record<string, unknown>>(keys: string[], keyName: K, found: R[], zero: Omit<R, K>): R[] {
  const byKey = new Map(found.map((row) => [String(row[keyName]), row]));
  return keys.map((key) => byKey.get(key) ?? ({ [keyName]: key, ...zero } as unknown as R));
}
