import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { connectDatabase, type DatabaseHandle } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";

/**
 * A database of the test file's own, migrated, of the same kind as the run's
 * (a new Postgres database, or a fresh in-memory PGlite). For tests that run
 * job workers, which would otherwise pick up other files' jobs in the shared
 * database.
 */
export async function createPrivateDatabase(): Promise<{ url: string; handle: DatabaseHandle; drop: () => Promise<void> }> {
  const adminUrl = inject("adminDatabaseUrl");
  let url: string;
  let cleanup: () => Promise<void>;
  if (adminUrl) {
    const name = `mh_private_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    cleanup = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  } else {
    const embedded = await startEmbeddedDatabase({ dataDir: "memory://", maxConnections: 64 });
    url = embedded.url;
    cleanup = () => embedded.stop();
  }
  const handle = connectDatabase(url, { max: 10 });
  await runMigrations(handle.pool);
  return {
    url,
    handle,
    async drop() {
      await handle.pool.end();
      await cleanup();
    },
  };
}
