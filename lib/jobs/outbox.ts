import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { outboxEvents } from "@/lib/db/schema/platform";

/**
 * Records a domain event in the transactional outbox, inside the transaction
 * that made the change: the event exists if and only if the change committed.
 * The dispatcher delivers it (notifications, webhooks) after the commit.
 */
export type OutboxEvent = { type: string; userId: string | null; data: Record<string, unknown> };

export async function recordEvent(tx: Tx, event: OutboxEvent): Promise<string> {
  const id = newId("evt");
  await tx.insert(outboxEvents).values({ id, type: event.type, userId: event.userId, data: event.data });
  return id;
}

/**
 * Many events in one statement. The rows travel as a single jsonb parameter:
 * a batch of hundreds (one per ingested message) then costs one small query
 * to build and plan, instead of four bound parameters per row, which matters
 * because callers hold their sync-position lock while they write events.
 */
export async function recordEvents(tx: Tx, events: OutboxEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((event) => ({ id: newId("evt"), type: event.type, userId: event.userId, data: event.data }));
  await tx.execute(sql`
    insert into ${outboxEvents} (id, type, user_id, data)
    select r.id, r.type, r."userId", r.data from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, type text, "userId" text, data jsonb)
  `);
  return rows.map((row) => row.id);
}
