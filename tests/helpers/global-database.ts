import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { connectDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: "postgres" | "pglite";
    /** An admin URL on the same server, for tests that need more databases. */
    adminDatabaseUrl: string | null;
    redisUrl: string | null;
  }
}

/**
 * One throwaway database per test run. With TEST_DATABASE_URL (any database
 * on a PostgreSQL server we may create databases on) it creates
 * `mh_test_<random>`, migrates it and drops it afterwards. Without it, an
 * in-memory PGlite served on loopback.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl: string;
  let dropDatabase: (() => Promise<void>) | undefined;

  if (adminUrl) {
    const name = `mh_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  } else {
    embedded = await startEmbeddedDatabase({ dataDir: "memory://", maxConnections: 128 });
    databaseUrl = embedded.url;
  }

  const handle = connectDatabase(databaseUrl, { max: 2 });
  await runMigrations(handle.pool);
  await handle.pool.end();

  project.provide("databaseUrl", databaseUrl);
  project.provide("databaseKind", adminUrl ? "postgres" : "pglite");
  project.provide("adminDatabaseUrl", adminUrl ?? null);
  project.provide("redisUrl", process.env.TEST_REDIS_URL ?? null);

  return async () => {
    await dropDatabase?.();
    await embedded?.stop();
  };
}
