#!/usr/bin/env node
// `npm start`: builds the web app when there is no build yet or its sources
// changed since, then starts the custom server (Next + Socket.IO + jobs on one
// port) in production mode.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { staleBuildReason } from "./build-freshness.mjs";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV || "production" };

const stale = staleBuildReason(root);
if (stale) {
  const started = Date.now();
  console.log(`Building the web app: ${stale} (about a minute on 2 cores)…`);
  const build = spawnSync(bin("next"), ["build"], { cwd: root, stdio: "inherit", env: { ...env, NODE_ENV: "production" } });
  if (build.status !== 0) process.exit(build.status ?? 1);
  console.log(`Build finished in ${Math.round((Date.now() - started) / 1000)} s.`);
}

// node with tsx's loader, as the container image runs it, not the tsx CLI:
// the CLI adds a process that SIGKILLs the server when it does not confirm a
// forwarded signal within 30 ms, which a server busy with its embedded
// database can miss, cutting the graceful shutdown short.
const server = spawn(process.execPath, ["--import", "tsx", path.join(root, "server", "index.ts")], { cwd: root, stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
