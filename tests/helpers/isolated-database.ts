import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { connectDatabase, getDatabase, setDatabase, type DatabaseHandle } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";

/**
 * A fresh, migrated database of the run's kind (Postgres or PGlite) for a
 * test that needs the whole database to itself: first-run setup, "the last
 * admin". The run's shared database has other files' users in it.
 */
export async function isolatedDatabase(): Promise<{ handle: DatabaseHandle; url: string; close: () => Promise<void> }> {
  const admin = inject("adminDatabaseUrl");
  let url: string;
  let dispose: () => Promise<void>;
  if (admin) {
    const name = `mh_iso_${randomBytes(5).toString("hex")}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const parsed = new URL(admin);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    dispose = async () => {
      const drop = new pg.Client({ connectionString: admin });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    };
  } else {
    const embedded = await startEmbeddedDatabase({ dataDir: "memory://", maxConnections: 32 });
    url = embedded.url;
    dispose = () => embedded.stop();
  }
  const handle = connectDatabase(url, { max: 5 });
  await runMigrations(handle.pool);
  return {
    handle,
    url,
    close: async () => {
      await handle.pool.end();
      await dispose();
    },
  };
}

/** Runs `fn` with the process-wide database swapped for `handle`. */
export async function usingDatabase<T>(handle: DatabaseHandle, fn: () => Promise<T>): Promise<T> {
  const previous = getDatabase();
  setDatabase(handle);
  try {
    return await fn();
  } finally {
    setDatabase(previous);
  }
}

/** Runs `fn` in a fresh isolated database of its own, closed and dropped afterwards. */
export async function inIsolatedDatabase<T>(fn: () => Promise<T>): Promise<T> {
  const own = await isolatedDatabase();
  try {
    return await usingDatabase(own.handle, fn);
  } finally {
    await own.close();
  }
}
