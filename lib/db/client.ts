import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";

/** Drizzle over a pg Pool; `$client` is the pool, for named (prepared) statements on hot paths. */
export type Database = NodePgDatabase & { $client: pg.Pool };
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

const OWN_SESSIONS = new WeakMap<pg.Pool, Promise<boolean>>();

/**
 * Whether each of the pool's connections has a session of its own, so a hot
 * statement can be named: Postgres then parses and plans it once per
 * connection instead of on every call. The embedded PGlite serves all
 * connections from one session, where two connections preparing the same
 * name would collide, so there statements stay unnamed. Asked once per pool.
 */
export function ownSessions(db: Database): Promise<boolean> {
  const pool = db.$client;
  let answer = OWN_SESSIONS.get(pool);
  if (!answer) {
    answer = pool.query<{ version: string }>("select version()").then((result) => !result.rows[0]!.version.includes("PGlite"));
    // A failed check is asked again next time rather than remembered.
    answer.catch(() => OWN_SESSIONS.delete(pool));
    OWN_SESSIONS.set(pool, answer);
  }
  return answer;
}

/** `name` where the pool's connections have sessions of their own, else undefined (an unnamed statement). */
export async function statementName(db: Database, name: string): Promise<string | undefined> {
  return (await ownSessions(db)) ? name : undefined;
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
