import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";

/** Shared helpers for the benchmarks: start the real server, load it, summarise. */
export const root = path.resolve(import.meta.dirname, "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export type Server = { url: string; child: ChildProcess; stop: () => Promise<void> };

/** Starts the production server (build first with `npm run build`) and waits for /api/ready. */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mh-bench-"));
  // node with tsx's loader (as the container image runs it): child.pid is the server itself.
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean), "--import", "tsx", path.join(root, "server/index.ts")], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", DATA_DIR: dataDir, RATE_LIMIT_API_PER_MINUTE: "100000000", RATE_LIMIT_INGEST_PER_MINUTE: "100000000", ...env, PORT: String(port) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/ready`)).ok) break;
    } catch {
      // starting
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("server did not become ready");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export type LoadResult = { requestsPerSecond: number; p50: number; p99: number; errors: number; non2xx: number };

/** A bounded autocannon run: stops after `seconds`. */
export async function load(options: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ duration: 10, connections: 50, ...options });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function table(rows: Array<Record<string, string | number>>): void {
  console.table(rows);
}

/**
 * A throwaway database on the PostgreSQL server at BENCH_ADMIN_URL (default
 * the local one): `create()` before the run, `drop()` in its finally.
 */
export function throwawayDatabase(prefix: string): { name: string; url: string; create: () => Promise<void>; drop: () => Promise<void> } {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return { name, url: url.toString(), create: () => admin(`create database ${name}`), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** An API key for a seeded user, stored the way createApiKey stores one (only the SHA-256 of the key). */
export async function seedApiKey(db: pg.Pool, userId: string, scopes: string[]): Promise<string> {
  const prefix = randomBytes(4).toString("hex");
  const key = `mh_${prefix}_${randomBytes(32).toString("base64url")}`;
  await db.query("insert into api_keys (id, user_id, name, prefix, hash, scopes) values ($1, $2, 'bench', $3, $4, $5)", [
    `key_${randomBytes(8).toString("hex")}`,
    userId,
    prefix,
    createHash("sha256").update(key).digest("hex"),
    scopes,
  ]);
  return key;
}
