import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { searchQuery } from "@/lib/db/search";
import { messages } from "@/lib/db/schema/inbox";
import { AppError } from "@/lib/http/errors";
import { decodeListCursor, pageOf } from "@/lib/http/list-cursor";
import type { ListMessagesQuery, MessageType, MessageView, Priority } from "@/lib/messages/schemas";
import { messageColumns, toMessageView } from "@/lib/messages/view";

/**
 * How many of the newest matches a search ranks. Older matches stay
 * reachable by narrowing with until/since/device; relevance among the
 * newest 2,000 is what an inbox search needs, and it bounds the cost of a
 * query for a very common word.
 */
export const SEARCH_CANDIDATES = 2000;

/** The filters the list, bulk read-marking and export share. */
export type Filter = {
  device?: string;
  type?: MessageType[];
  read?: boolean;
  tag?: string[];
  priority?: Priority;
  /** A conversation: its thread key, or its sender when the messages carry none (lib/messages/threads). */
  thread?: string;
  q?: string;
  since?: Date;
  until?: Date;
};

/** Conditions for a user's live (not deleted) messages matching a filter. The user is always in the where. */
export function filterConditions(userId: string, filter: Filter): SQL[] {
  const conditions: SQL[] = [eq(messages.userId, userId), isNull(messages.deletedAt)];
  if (filter.device) conditions.push(eq(messages.deviceId, filter.device));
  if (filter.type && filter.type.length > 0) conditions.push(inArray(messages.type, filter.type));
  if (filter.read !== undefined) conditions.push(filter.read ? isNotNull(messages.readAt) : isNull(messages.readAt));
  if (filter.tag && filter.tag.length > 0) conditions.push(sql`${messages.tags} @> ${sql.param(filter.tag)}::text[]`);
  if (filter.priority) conditions.push(eq(messages.priority, filter.priority));
  // The expression of messages_thread_idx, so one conversation is an index range.
  if (filter.thread) conditions.push(sql`coalesce(${messages.threadKey}, ${messages.sender}) = ${filter.thread}`);
  if (filter.since) conditions.push(gte(messages.receivedAt, filter.since));
  if (filter.until) conditions.push(lt(messages.receivedAt, filter.until));
  if (filter.q !== undefined) {
    const query = searchQuery(filter.q);
    // A query of punctuation only can match nothing, rather than everything.
    conditions.push(query ? sql`${messages.search} @@ ${query}` : sql`false`);
  }
  return conditions;
}

/**
 * One page of the inbox. Without `q`: newest first. With `q`: best match
 * first (ts_rank weighs sender over title over body), then newest. Keyset
 * pages either way, so deep pages cost what the first does.
 */
export async function listMessages(db: Queryable, userId: string, query: ListMessagesQuery): Promise<{ data: MessageView[]; nextCursor: string | null; hasMore: boolean }> {
  const search = query.q !== undefined ? searchQuery(query.q) : null;
  const conditions = filterConditions(userId, query);

  if (search) {
    // Rank the newest SEARCH_CANDIDATES matches only. The planner can then
    // walk the list index newest-first and stop early for a common word, or
    // use the GIN index for a rare one; ts_rank runs on at most that many
    // rows and the full columns are read for one page only.
    const newest = db
      .select({ id: messages.id, receivedAt: messages.receivedAt, search: messages.search })
      .from(messages)
      .where(and(...conditions))
      .orderBy(desc(messages.receivedAt), desc(messages.id))
      .limit(SEARCH_CANDIDATES)
      .as("newest");
    const scored = db
      .select({ id: newest.id, receivedAt: newest.receivedAt, rank: sql<number>`ts_rank(${newest.search}, ${search})`.as("rank") })
      .from(newest)
      .as("scored");
    let after: SQL | undefined;
    if (query.cursor) {
      const [r, t, i] = cursorParts(query.cursor, ["number", "time", "string"]);
      after = sql`(${scored.rank}, ${scored.receivedAt}, ${scored.id}) < (${r}::real, ${t}::timestamptz, ${i})`;
    }
    // The page is cut before the join, so full rows are read for one page only.
    const ranked = db
      .select({ id: scored.id, receivedAt: scored.receivedAt, rank: scored.rank })
      .from(scored)
      .where(after)
      .orderBy(desc(scored.rank), desc(scored.receivedAt), desc(scored.id))
      .limit(query.limit + 1)
      .as("ranked");
    const rows = await db
      .select({ ...messageColumns, rank: ranked.rank })
      .from(ranked)
      .innerJoin(messages, eq(messages.id, ranked.id))
      .orderBy(desc(ranked.rank), desc(ranked.receivedAt), desc(ranked.id));
    const page = pageOf(rows, query.limit, (row) => [row.rank, row.receivedAt.toISOString(), row.id]);
    return { ...page, data: page.data.map(toMessageView) };
  }

  if (query.cursor) {
    const [t, i] = cursorParts(query.cursor, ["time", "string"]);
    conditions.push(sql`(${messages.receivedAt}, ${messages.id}) < (${t}::timestamptz, ${i})`);
  }
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.receivedAt), desc(messages.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.receivedAt.toISOString(), row.id]);
  return { ...page, data: page.data.map(toMessageView) };
}

/** Decodes a list cursor whose parts must have the given kinds; a forged one is a 422, never a SQL error. */
export function cursorParts(cursor: string, kinds: Array<"number" | "time" | "string">): Array<string | number> {
  const parts = decodeListCursor(cursor, kinds.length);
  const valid =
    parts !== null &&
    kinds.every((kind, index) => {
      const part = parts[index];
      if (kind === "number") return typeof part === "number";
      if (kind === "time") return typeof part === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(part) && !Number.isNaN(Date.parse(part));
      return typeof part === "string" && part.length <= 400;
    });
  if (!valid) {
    throw new AppError("validation_failed", "The cursor is not one this list issued", { errors: [{ path: "query.cursor", message: "is not a cursor this list issued", code: "custom" }] });
  }
  return parts as Array<string | number>;
}

/** One live message of the user's; anything else (another user's, deleted, unknown) is a 404. */
export async function getMessage(db: Queryable, userId: string, id: string): Promise<MessageView> {
  const [row] = await db
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.userId, userId), eq(messages.id, id), isNull(messages.deletedAt)))
    .limit(1);
  if (!row) throw new AppError("not_found", "Message not found");
  return toMessageView(row);
}
