#!/usr/bin/env node
// Starts one real hub for the Playwright tests, on a throwaway database:
// a new Postgres database when TEST_DATABASE_URL is set (dropped on exit),
// otherwise a fresh embedded PGlite folder under the OS temp dir.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");
const port = process.argv[2] ?? "3210";
const env = { ...process.env, NODE_ENV: "production", PORT: port, LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn", WEBHOOK_ALLOW_PRIVATE_TARGETS: "true", RATE_LIMIT_AUTH_PER_15_MINUTES: "1000" };
delete env.DATABASE_URL;
delete env.REDIS_URL;

let cleanup = async () => {};
if (process.env.TEST_DATABASE_URL) {
  const name = `mh_e2e_${port}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  cleanup = async () => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  };
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mh-e2e-"));
  env.DATA_DIR = dir;
  cleanup = async () => rmSync(dir, { recursive: true, force: true });
}

const server = spawn(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "server", "index.ts")], { cwd: root, stdio: "inherit", env });
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  server.kill(signal);
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
server.on("exit", async (code) => {
  await cleanup().catch((error) => console.error("e2e cleanup failed:", error.message));
  process.exit(stopping ? 0 : (code ?? 1));
});
