import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";

export type Database = NodePgDatabase;
/** A transaction handle: the same query API as Database. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything a domain function can run queries on. */
export type Queryable = Database | Tx;

export type DatabaseHandle = {
  db: Database;
  pool: pg.Pool;
  url: string;
};

// Postgres returns int8 (bigint) as text by default. Our bigints are counts
// and positions well inside 2^53, so parse them as numbers.
pg.types.setTypeParser(20, (value) => Number(value));

export function connectDatabase(url: string, options: { max?: number; applicationName?: string } = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "message-hub",
    idleTimeoutMillis: 30_000,
    // No JIT. The hub's queries are short OLTP and analytics reads whose row
    // estimates (generate_series, unions) can cross jit_above_cost; LLVM then
    // spends seconds compiling a query that runs in milliseconds. PGlite has
    // no JIT and ignores the setting.
    options: "-c jit=off",
  });
  // An idle client that loses its connection must not crash the process.
  pool.on("error", () => {});
  return { db: drizzle(pool, { casing: "snake_case" }), pool, url };
}

const DB_KEY = Symbol.for("message-hub.database");
type Holder = { [DB_KEY]?: DatabaseHandle };

/** The process-wide database, set by the server at boot (or by a test). */
export function getDatabase(): DatabaseHandle {
  const handle = (globalThis as Holder)[DB_KEY];
  if (!handle) throw new Error("The database is not connected yet");
  return handle;
}

export function getDb(): Database {
  return getDatabase().db;
}

export function setDatabase(handle: DatabaseHandle | undefined): void {
  (globalThis as Holder)[DB_KEY] = handle;
}
