#!/usr/bin/env node
// Starts one real hub for the Playwright tests, on a throwaway database:
// a new Postgres database when TEST_DATABASE_URL is set (dropped on exit),
// otherwise a fresh embedded PGlite folder under the OS temp dir.
//
// Beside the hub it runs what the specs need to observe the outside world,
// and describes it in <os tmpdir>/message-hub-e2e-<port>/server.json
// (read by e2e/server-fixtures.ts):
// - an SMTP sink (the smtp-server package, on a port from the OS) that the
//   hub's SMTP_URL points at; every email it receives is appended to
//   mail.jsonl in that folder as {to, from, subject, messageId, text,
//   receivedAt}, where `text` is the raw message with quoted-printable undone;
// - PUBLIC_URL (http://localhost:<port>, the address the specs use) and a
//   test TWILIO_AUTH_TOKEN, so a spec can sign a Twilio webhook with the
//   twilio package exactly as Twilio would.
// The folder is removed when the server stops.
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { SMTPServer } from "smtp-server";

const root = path.resolve(import.meta.dirname, "..");
const port = process.argv[2] ?? "3210";
const publicUrl = `http://localhost:${port}`;
// A test value, not a secret: it only signs the specs' own simulated Twilio requests.
const twilioAuthToken = process.env.E2E_TWILIO_AUTH_TOKEN ?? `e2e-twilio-auth-token-${port}`;
const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: port,
  LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
  WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
  RATE_LIMIT_AUTH_PER_15_MINUTES: "1000",
  PUBLIC_URL: publicUrl,
  TWILIO_AUTH_TOKEN: twilioAuthToken,
};
delete env.DATABASE_URL;
delete env.REDIS_URL;
delete env.SMS_PROVIDER;

const cleanups = [];

// The fixtures folder and the SMTP sink.
const fixturesDir = path.join(os.tmpdir(), `message-hub-e2e-${port}`);
rmSync(fixturesDir, { recursive: true, force: true });
mkdirSync(fixturesDir, { recursive: true });
cleanups.push(async () => rmSync(fixturesDir, { recursive: true, force: true }));
const mailFile = path.join(fixturesDir, "mail.jsonl");
writeFileSync(mailFile, "");

/** Undoes quoted-printable (soft line breaks and =XX bytes) so specs can search the text. */
function unquote(raw) {
  const bytes = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_match, hex) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", () => {
      const raw = Buffer.concat(chunks).toString("latin1");
      const header = (name) => raw.match(new RegExp(`^${name}:\\s*(.+)$`, "mi"))?.[1]?.trim() ?? null;
      const mail = {
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
        subject: header("Subject"),
        messageId: header("Message-ID"),
        text: unquote(raw),
        receivedAt: new Date().toISOString(),
      };
      appendFileSync(mailFile, `${JSON.stringify(mail)}\n`);
      callback();
    });
  },
});
await new Promise((resolve) => smtp.listen(0, "127.0.0.1", resolve));
env.SMTP_URL = `smtp://127.0.0.1:${smtp.server.address().port}`;
cleanups.push(() => new Promise((resolve) => smtp.close(() => resolve())));
writeFileSync(path.join(fixturesDir, "server.json"), JSON.stringify({ publicUrl, twilioAuthToken, mailFile, smtpUrl: env.SMTP_URL }, null, 2));

if (process.env.TEST_DATABASE_URL) {
  const name = `mh_e2e_${port}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mh-e2e-"));
  env.DATA_DIR = dir;
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
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
  for (const cleanup of cleanups) await cleanup().catch((error) => console.error("e2e cleanup failed:", error.message));
  process.exit(stopping ? 0 : (code ?? 1));
});
