import type pg from "pg";
import { pendingMigrations } from "@/lib/db/migrate";
import { AppError } from "@/lib/http/errors";

/**
 * Readiness, shared by the web route (app/api/ready) and the worker's small
 * health server: the database answers and every committed migration is
 * applied. Throws a 503 AppError that says which check failed.
 */
export async function assertReady(pool: pg.Pool): Promise<{ status: "ready"; database: "ok"; migrations: "applied" }> {
  try {
    await pool.query("select 1");
  } catch (error) {
    throw new AppError("unavailable", "The database is not reachable", { cause: error });
  }
  const pending = await pendingMigrations(pool);
  if (pending > 0) throw new AppError("unavailable", `${pending} migration(s) are not applied yet`);
  return { status: "ready", database: "ok", migrations: "applied" };
}
