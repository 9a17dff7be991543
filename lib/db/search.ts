import { sql, type SQL } from "drizzle-orm";

/**
 * A tsquery for what a person types, for a `to_tsvector('simple', …)`
 * column: every word must match, and the last one matches as a prefix
 * ("meet" finds "meeting") because people search while typing. The words go
 * through plainto_tsquery, which uses the same parser as the documents, so
 * the text never reaches tsquery syntax and a word the parser splits
 * ("INC-4211" is `inc` and `-4211`) is split the same way on both sides;
 * only a last word of plain letters and digits gets the `:*` prefix
 * operator. Null when nothing in `q` is searchable (punctuation only).
 */
export function searchQuery(q: string): SQL | null {
  const words = q.trim().split(/\s+/).filter(Boolean).slice(0, 16);
  if (words.length === 0) return null;
  const last = words[words.length - 1]!;
  const head = words.slice(0, -1).join(" ");
  const parts: SQL[] = [];
  if (/[\p{L}\p{N}]/u.test(head)) parts.push(sql`plainto_tsquery('simple', ${head})`);
  if (/^[\p{L}\p{N}]+$/u.test(last)) parts.push(sql`to_tsquery('simple', ${`${last.toLowerCase()}:*`})`);
  else if (/[\p{L}\p{N}]/u.test(last)) parts.push(sql`plainto_tsquery('simple', ${last})`);
  if (parts.length === 0) return null;
  return sql`(${sql.join(parts, sql` && `)})`;
}
