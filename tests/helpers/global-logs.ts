import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { findLeaks, type RememberedSecret } from "@/tests/helpers/logs";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where each worker writes its log lines and the secrets it used. */
    logCaptureDir: string;
  }
}

/**
 * The end-of-run log scan: no password, API key, TOTP secret, backup code
 * or invite token that any test used may appear in any line any test wrote.
 * It runs after every file of the run, so it sees all of them; a leak fails
 * the run with the kind of secret and the log line's location.
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mh-logs-"));
  project.provide("logCaptureDir", dir);
  return () => {
    try {
      const names = readdirSync(dir);
      const logs = names.filter((name) => name.endsWith(".log")).map((name) => ({ file: name, lines: readFileSync(path.join(dir, name), "utf8").split("\n").filter(Boolean) }));
      const secrets = names
        .filter((name) => name.endsWith(".secrets"))
        .flatMap((name) => readFileSync(path.join(dir, name), "utf8").split("\n").filter(Boolean))
        .map((line) => JSON.parse(line) as RememberedSecret);
      const lineCount = logs.reduce((sum, log) => sum + log.lines.length, 0);
      const leaks = findLeaks(logs, secrets);
      if (leaks.length > 0) {
        // vitest reports a teardown error but keeps its exit code; the run must fail.
        process.exitCode = 1;
        const detail = leaks.slice(0, 20).map((leak) => `  a ${leak.kind} in ${leak.file}:${leak.line} (${leak.message || "no message"})`);
        throw new Error(`Secrets found in the test run's logs:\n${detail.join("\n")}`);
      }
      process.stdout.write(`log scan: ${lineCount} log lines from ${logs.length} test files that logged, checked for ${new Set(secrets.map((s) => s.value)).size} secrets: none found\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
