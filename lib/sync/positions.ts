import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";

/** The change streams a user can sync. Each has its own counter. */
export type SyncStream = "messages" | "tasks";

/**
 * Reserves the next `count` change positions of a user's stream, inside the
 * writing transaction, and returns the first. The counter row stays locked
 * until the transaction ends, so a second writer for the same user waits and
 * then takes the following positions: positions commit in order, and a
 * reader paging by position can never pass one that commits later.
 */
export async function reservePositions(tx: Tx, userId: string, stream: SyncStream, count = 1): Promise<number> {
  const result = await tx.execute<{ position: number }>(sql`
    insert into change_counters (user_id, stream, position) values (${userId}, ${stream}, ${count})
    on conflict (user_id, stream) do update set position = change_counters.position + ${count}
    returning position
  `);
  const last = Number(result.rows[0]!.position);
  return last - count + 1;
}

/**
 * Takes a user's counter row lock without reserving anything, for a writer
 * that must lock existing rows before it knows how many positions it needs
 * (a bulk change, a retention pass). Taken first, it keeps one lock order for
 * every writer of the stream, the counter and then rows: a writer that locked
 * rows and then waited for the counter would deadlock with a single change,
 * which holds the counter while it updates its row. When the user has no
 * counter row yet there is nothing of theirs to lock either.
 */
export async function lockPositions(tx: Tx, userId: string, stream: SyncStream): Promise<void> {
  await tx.execute(sql`select 1 from change_counters where user_id = ${userId} and stream = ${stream} for update`);
}
