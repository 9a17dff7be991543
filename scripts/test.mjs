#!/usr/bin/env node
// `npm test`: every check, in order, stopping at the first failure.
// typecheck → lint → unit → integration → build → system → e2e
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const only = process.argv.slice(2);

const steps = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["lint", bin("eslint"), ["--max-warnings=0", "."]],
  ["unit", bin("vitest"), ["run", "--project", "unit"]],
  ["integration", bin("vitest"), ["run", "--project", "integration"]],
  ["build", bin("next"), ["build"]],
  ["system", bin("vitest"), ["run", "--project", "system"]],
  ["e2e", bin("playwright"), ["test"]],
];

const results = [];
for (const [name, command, args] of steps) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const env = { ...process.env, ...(name === "build" ? { NODE_ENV: "production" } : {}) };
  const run = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ name, ok: run.status === 0, seconds });
  if (run.status !== 0) break;
}

console.log("\nSummary");
for (const { name, ok, seconds } of results) console.log(`  ${ok ? "✓" : "✗"} ${name} (${seconds} s)`);
const failed = results.filter((r) => !r.ok).length;
const passed = results.length - failed;
console.log(`\nsteps: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
