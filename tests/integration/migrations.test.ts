import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { sql } from "drizzle-orm";
import { connectDatabase, getDb } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { pendingMigrations, runMigrations } from "@/lib/db/migrate";

/** A fresh, empty database: on the Postgres server when the run has one, else a new PGlite. */
async function emptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = inject("adminDatabaseUrl");
  if (!admin) {
    const embedded = await startEmbeddedDatabase({ dataDir: "memory://" });
    return { url: embedded.url, drop: embedded.stop };
  }
  const name = `mh_mig_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

describe("database connections", () => {
  // PGlite has no JIT to switch off.
  it.skipIf(!inject("adminDatabaseUrl"))("run with JIT off, so a query with a large row estimate does not spend seconds compiling", async () => {
    const handle = connectDatabase(inject("adminDatabaseUrl")!, { max: 1 });
    try {
      const { rows } = await handle.pool.query<{ jit: string }>("show jit");
      expect(rows[0]!.jit).toBe("off");
    } finally {
      await handle.pool.end();
    }
  });
});

describe("planner statistics", () => {
  it("samples the inbox search column deeply enough to choose between the GIN index and the newest-first walk", async () => {
    const result = await getDb().execute<{ target: number }>(sql`select attstattarget::int as target from pg_attribute where attrelid = 'messages'::regclass and attname = 'search'`);
    expect(result.rows[0]!.target).toBe(1000);
  });
});

describe("GIN indexes", () => {
  it("merge their pending lists at 256 kB, so no insert stalls on merging megabytes of them", async () => {
    const result = await getDb().execute<{ name: string; options: string[] | null }>(
      sql`select relname as name, reloptions as options from pg_class where relname in ('messages_search_idx', 'messages_tags_idx', 'room_messages_search_idx') order by relname`,
    );
    expect(result.rows).toEqual([
      { name: "messages_search_idx", options: ["gin_pending_list_limit=256"] },
      { name: "messages_tags_idx", options: ["gin_pending_list_limit=256"] },
      { name: "room_messages_search_idx", options: ["gin_pending_list_limit=256"] },
    ]);
  });
});

describe("migrations", () => {
  it("run once when several instances start together", async () => {
    const { url, drop } = await emptyDatabase();
    const handles = [connectDatabase(url, { max: 2 }), connectDatabase(url, { max: 2 }), connectDatabase(url, { max: 2 })];
    try {
      const results = await Promise.all(handles.map((handle) => runMigrations(handle.pool)));
      const total = results.reduce((sum, result) => sum + result.applied, 0);
      const journalEntries = (await import("@/db/migrations/meta/_journal.json")).entries.length;
      expect(total).toBe(journalEntries);
      expect(results.filter((result) => result.applied > 0)).toHaveLength(1);
      expect(results.filter((result) => result.applied === 0)).toHaveLength(2);
      expect(await pendingMigrations(handles[0]!.pool)).toBe(0);
      const again = await runMigrations(handles[1]!.pool);
      expect(again.applied).toBe(0);
    } finally {
      await Promise.all(handles.map((handle) => handle.pool.end()));
      await drop();
    }
  });
});
