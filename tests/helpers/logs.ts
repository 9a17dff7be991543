import { appendFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";

/**
 * Log capture for the integration suite.
 *
 * Every line the test logger writes is kept in memory for the file's own
 * assertions, and appended to a file of the run's capture folder. Secrets
 * the tests use (passwords sent, keys and secrets received) are recorded in
 * a file beside it. When the run ends, tests/helpers/global-logs.ts scans
 * every worker's lines for every worker's secrets.
 */
export const capturedLogs: string[] = [];

export type SecretKind = "password" | "api-key" | "totp-secret" | "backup-code" | "invite-token" | "secret";
export type RememberedSecret = { kind: SecretKind; value: string };

let files: { log: string; secrets: string } | undefined;
/** Secrets recorded at import time, before the setup file's beforeAll started the capture. */
const early: RememberedSecret[] = [];

export function startLogCapture(dir: string): void {
  const id = `${process.pid}-${randomUUID()}`;
  files = { log: path.join(dir, `${id}.log`), secrets: path.join(dir, `${id}.secrets`) };
  for (const secret of early.splice(0)) appendFileSync(files.secrets, `${JSON.stringify(secret)}\n`);
}

export function captureLine(line: string): void {
  capturedLogs.push(line);
  if (files) appendFileSync(files.log, `${line}\n`);
}

/** Short values (a 6-digit code, a deliberately invalid password) would match unrelated text. */
const MIN_SECRET_LENGTH = 8;

/** Records a secret the suite used, so the end-of-run scan looks for it; returns it unchanged. */
export function rememberSecret<T extends string>(kind: SecretKind, value: T): T {
  if (value.length < MIN_SECRET_LENGTH) return value;
  if (files) appendFileSync(files.secrets, `${JSON.stringify({ kind, value })}\n`);
  else early.push({ kind, value });
  return value;
}

const REQUEST_SECRET_FIELDS: Record<string, SecretKind> = { password: "password", newPassword: "password", currentPassword: "password", signingSecret: "secret" };
const RESPONSE_SECRET_FIELDS: Record<string, SecretKind> = { key: "api-key", secret: "totp-secret", token: "invite-token", signingSecret: "secret", backupCodes: "backup-code" };

/** Records the secrets in a request body (passwords) or a response body (keys, secrets, tokens, codes), at any depth. */
export function rememberSecretsIn(value: unknown, side: "request" | "response"): void {
  const fields = side === "request" ? REQUEST_SECRET_FIELDS : RESPONSE_SECRET_FIELDS;
  const visit = (node: unknown, depth: number): void => {
    if (depth > 6 || node === null || typeof node !== "object") return;
    for (const [name, child] of Object.entries(node)) {
      const kind = fields[name];
      if (kind && typeof child === "string") rememberSecret(kind, child);
      else if (kind && Array.isArray(child)) for (const item of child) if (typeof item === "string") rememberSecret(kind, item);
      else visit(child, depth + 1);
    }
  };
  visit(value, 0);
}

export function logLines(): Array<Record<string, unknown>> {
  return capturedLogs.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Anything shaped like a full API key is a leak, whether or not a test recorded it. */
const API_KEY_PATTERN = /mh_[0-9a-z]{8}_[0-9A-Za-z_-]{32,64}/;

export type Leak = { kind: SecretKind; line: number; file: string; message: string };

/** Finds every line that contains a secret. Reports the kind and where, never the secret itself. */
export function findLeaks(logs: Array<{ file: string; lines: string[] }>, secrets: RememberedSecret[]): Leak[] {
  const leaks: Leak[] = [];
  const unique = [...new Map(secrets.map((secret) => [secret.value, secret])).values()];
  for (const { file, lines } of logs) {
    lines.forEach((line, index) => {
      const hit = unique.find((secret) => line.includes(secret.value));
      const kind: SecretKind | undefined = hit?.kind ?? (API_KEY_PATTERN.test(line) ? "api-key" : undefined);
      if (!kind) return;
      let message = "";
      try {
        message = String((JSON.parse(line) as { msg?: unknown }).msg ?? "");
      } catch {
        // not JSON; the location is enough
      }
      leaks.push({ kind, line: index + 1, file, message });
    });
  }
  return leaks;
}
