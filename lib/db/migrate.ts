import path from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type pg from "pg";

/** Arbitrary but fixed: every instance of the hub takes this lock to migrate. */
const MIGRATION_LOCK_ID = 7_302_114_201;

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "db/migrations");

export type MigrationResult = { applied: number };

/**
 * Applies pending drizzle-kit migrations in one transaction that first takes
 * a transaction-level advisory lock. Instances booting together queue on the
 * lock; the first applies the migrations, the rest then find nothing to do.
 * (On the embedded database the open transaction alone serialises them.)
 *
 * It keeps drizzle's bookkeeping table, drizzle.__drizzle_migrations, so the
 * drizzle-kit tooling reads the same history.
 */
export async function runMigrations(pool: pg.Pool, folder = MIGRATIONS_FOLDER): Promise<MigrationResult> {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK_ID]);
    await client.query("create schema if not exists drizzle");
    await client.query("create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)");
    const last = await client.query<{ created_at: string }>("select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1");
    const lastApplied = last.rows[0] ? Number(last.rows[0].created_at) : -1;
    let applied = 0;
    for (const migration of migrations) {
      if (migration.folderMillis <= lastApplied) continue;
      for (const statement of migration.sql) if (statement.trim()) await client.query(statement);
      await client.query("insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)", [migration.hash, migration.folderMillis]);
      applied++;
    }
    await client.query("commit");
    return { applied };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** How many committed migrations are not applied yet (for /api/ready). */
export async function pendingMigrations(pool: pg.Pool, folder = MIGRATIONS_FOLDER): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const exists = await pool.query<{ present: boolean }>("select to_regclass('drizzle.__drizzle_migrations') is not null as present");
  if (!exists.rows[0]?.present) return migrations.length;
  const last = await pool.query<{ created_at: string }>("select max(created_at) as created_at from drizzle.__drizzle_migrations");
  const lastApplied = last.rows[0]?.created_at ? Number(last.rows[0].created_at) : -1;
  return migrations.filter((migration) => migration.folderMillis > lastApplied).length;
}
