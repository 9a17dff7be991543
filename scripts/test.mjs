#!/usr/bin/env node
// `npm test`: every check, stopping after the first stage that fails.
// typecheck + lint + unit (side by side) → integration → build → system → e2e
// `npm test -- unit e2e` runs only the named steps.
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const only = process.argv.slice(2);

// Each stage's steps run at once. The first stage's three are single-threaded
// for most of their run, so side by side they take about as long as the
// slowest of them; the later stages each fill the machine on their own.
const stages = [
  [
    ["typecheck", bin("tsc"), ["--noEmit"]],
    ["lint", bin("eslint"), ["--max-warnings=0", "."]],
    ["unit", bin("vitest"), ["run", "--project", "unit"]],
  ],
  [["integration", bin("vitest"), ["run", "--project", "integration"]]],
  [["build", bin("next"), ["build"]]],
  [["system", bin("vitest"), ["run", "--project", "system"]]],
  [["e2e", bin("playwright"), ["test"]]],
];

/** Runs one step. Alone, its output streams; beside others, it is printed whole when the step ends. */
function run([name, command, args], alone) {
  const started = Date.now();
  // The build type-checks too; once this run's typecheck step has passed, that is the same check again.
  const typechecked = results.some((result) => result.name === "typecheck" && result.ok);
  // CI builds once in a fresh clone: nothing would read the build cache, and writing it takes about 13 s.
  const buildEnv = { NODE_ENV: "production", ...(typechecked ? { NEXT_BUILD_SKIP_TYPECHECK: "1" } : {}), ...(process.env.CI ? { NEXT_BUILD_FS_CACHE: "0" } : {}) };
  const env = { ...process.env, ...(name === "build" ? buildEnv : {}) };
  if (alone) console.log(`\n▶ ${name}`);
  const child = spawn(command, args, { cwd: root, stdio: alone ? "inherit" : ["ignore", "pipe", "pipe"], env });
  const output = [];
  child.stdout?.on("data", (chunk) => output.push(chunk));
  child.stderr?.on("data", (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    child.on("close", (code) => {
      if (!alone) {
        console.log(`\n▶ ${name}`);
        process.stdout.write(Buffer.concat(output));
      }
      resolve({ name, ok: code === 0, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

const results = [];
for (const stage of stages) {
  const steps = stage.filter(([name]) => only.length === 0 || only.includes(name));
  if (steps.length === 0) continue;
  const stageResults = await Promise.all(steps.map((step) => run(step, steps.length === 1)));
  results.push(...stageResults);
  if (stageResults.some((result) => !result.ok)) break;
}

console.log("\nSummary");
for (const { name, ok, seconds } of results) console.log(`  ${ok ? "✓" : "✗"} ${name} (${seconds} s)`);
const failed = results.filter((r) => !r.ok).length;
const passed = results.length - failed;
console.log(`\nsteps: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
