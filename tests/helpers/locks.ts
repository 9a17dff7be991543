import pg from "pg";
import { afterEach, expect, inject } from "vitest";
import { getDb } from "@/lib/db/client";
import type { TestUser } from "@/tests/helpers/factories";
import { waitFor } from "@/tests/helpers/wait";

/**
 * Lock-order tests for the writers of a user's messages, which take the
 * user's counter row before any message row (lib/sync). A single change
 * (read, tags, priority, delete) holds the counter while it updates its row;
 * a bulk writer that locked its rows first and then waited for the counter
 * would deadlock with it, and PostgreSQL would abort one of the two.
 *
 * A test plays the single change by hand, in the order changeOne takes its
 * locks, so the interleaving is certain: hold the counter (holdCounter), let
 * the bulk writer start and wait until it is blocked (blockedBehind), then
 * update one of its rows and commit (changeUnderCounter).
 */

const held: pg.Client[] = [];

/** Call at the top of a test file: closes the connections holdCounter opened, after each test. */
export function releaseHeldCounters(): void {
  afterEach(async () => {
    for (const client of held.splice(0)) await client.end().catch(() => {});
  });
}

/** A connection holding the user's message counter in an open transaction, as a single change does first. */
export async function holdCounter(user: TestUser): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: inject("databaseUrl") });
  held.push(client);
  await client.connect();
  await client.query("begin");
  const locked = await client.query("select position from change_counters where user_id = $1 and stream = 'messages' for update", [user.user.id]);
  expect(locked.rowCount).toBe(1);
  return client;
}

/** Waits until another backend is blocked on a lock that `holder` holds. */
export async function blockedBehind(holder: pg.Client): Promise<void> {
  const pid = (await holder.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
  await waitFor(async () => {
    const { rows } = await getDb().$client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where $1 = any(pg_blocking_pids(pid))", [pid]);
    return rows[0]!.n > 0;
  }, 10_000);
}

/** Updates one message, as the single change does under the counter, and commits. */
export async function changeUnderCounter(holder: pg.Client, messageId: string): Promise<void> {
  await holder.query("update messages set priority = 'high', updated_at = now() where id = $1", [messageId]);
  await holder.query("commit");
}
