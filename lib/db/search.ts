import { sql, type SQL } from "drizzle-orm";

const isNumber = (word: string) => /^[0-9]+$/.test(word);

/**
 * Postgres's parser keeps a number's sign: "INC-4211" is `inc` and `-4211`,
 * "+15550001" is `+15550001`. So a number someone types also matches its
 * signed forms: "4211" finds the ticket, "1555" the phone number.
 */
const number = (digits: string, prefix: string) => sql`to_tsquery('simple', ${`(${digits}${prefix} | -${digits}${prefix} | +${digits}${prefix})`})`;

/**
 * A tsquery for what a person types, for a `to_tsvector('simple', …)`
 * column: every word must match, and the last one matches as a prefix
 * ("meet" finds "meeting") because people search while typing. The words go
 * through plainto_tsquery, which uses the same parser as the documents, so
 * the text never reaches tsquery syntax and a word the parser splits
 * ("INC-4211" is `inc` and `-4211`) is split the same way on both sides.
 * Only two kinds of word are written as tsquery syntax, being only letters
 * and digits: the last word, which gets the `:*` prefix operator, and a
 * number, which also matches the signed forms the parser gives it ("4211"
 * finds "INC-4211", "1555" finds "+15550001"). Null when nothing in `q` is
 * searchable (punctuation only).
 */
export function searchQuery(q: string): SQL | null {
  const words = q.trim().split(/\s+/).filter(Boolean).slice(0, 16);
  if (words.length === 0) return null;
  const last = words[words.length - 1]!;
  const head = words.slice(0, -1);
  const parts: SQL[] = [];
  const plain = head.filter((word) => !isNumber(word)).join(" ");
  if (/[\p{L}\p{N}]/u.test(plain)) parts.push(sql`plainto_tsquery('simple', ${plain})`);
  for (const word of head.filter(isNumber)) parts.push(number(word, ""));
  if (isNumber(last)) parts.push(number(last, ":*"));
  else if (/^[\p{L}\p{N}]+$/u.test(last)) parts.push(sql`to_tsquery('simple', ${`${last.toLowerCase()}:*`})`);
  else if (/[\p{L}\p{N}]/u.test(last)) parts.push(sql`plainto_tsquery('simple', ${last})`);
  if (parts.length === 0) return null;
  return sql`(${sql.join(parts, sql` && `)})`;
}
