#!/usr/bin/env tsx
/**
 * `npm run hub -- <command>`: administration from a shell on the hub's host.
 *
 *   npm run hub -- create-admin --email you@example.com --name "You"   (password from stdin)
 *
 * It connects to DATABASE_URL, or opens the embedded database itself when
 * none is set. The embedded database allows one process at a time, so with
 * a server running on it the command stops and says so.
 */
import { createInterface } from "node:readline";
import { Command } from "commander";
import pino from "pino";
import { ConfigError, getConfig } from "@/lib/config/env";
import { connectDatabase, setDatabase, type DatabaseHandle } from "@/lib/db/client";
import { EmbeddedDatabaseBusyError, startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";
import { isAppError } from "@/lib/http/errors";
import { createLogger, setLogger } from "@/lib/log/logger";
import { setupSchema } from "@/lib/users/schemas";
import { createAdminAccount } from "@/lib/users/setup";

class UsageError extends Error {}

async function openDatabase(): Promise<{ handle: DatabaseHandle; close: () => Promise<void> }> {
  const config = getConfig();
  let embedded: EmbeddedDatabase | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    const dataDir = `${config.DATA_DIR.replace(/\/$/, "")}/pglite`;
    try {
      embedded = await startEmbeddedDatabase({ dataDir });
    } catch (error) {
      if (error instanceof EmbeddedDatabaseBusyError) {
        throw new UsageError(
          `The embedded database in ${error.dataDir} is in use by a running Message Hub server (pid ${error.pid}).\n` +
            "It can be opened by one process at a time. Stop the server and run this command again,\n" +
            "or, on a hub with no users yet, create the first admin in the web app or with POST /api/v1/setup.",
        );
      }
      throw error;
    }
    url = embedded.url;
  }
  const handle = connectDatabase(url, { max: 2, applicationName: "message-hub-cli" });
  setDatabase(handle);
  await runMigrations(handle.pool);
  return {
    handle,
    close: async () => {
      setDatabase(undefined);
      await handle.pool.end();
      await embedded?.stop();
    },
  };
}

/** Reads the password from stdin: typed without echo on a terminal (twice), or piped. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  }
  const first = await promptHidden("Password: ");
  const second = await promptHidden("Repeat the password: ");
  if (first !== second) throw new UsageError("The two passwords differ.");
  return first;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo the question, never the typed characters.
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
      if (text.includes(question)) process.stderr.write(text);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}

async function createAdmin(options: { email: string; name: string; password?: string }): Promise<void> {
  const password = options.password ?? (await readPassword());
  const parsed = setupSchema.safeParse({ email: options.email, name: options.name, password });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => `--${String(issue.path[0])} ${issue.message}`).join("\n"));
  }
  const { handle, close } = await openDatabase();
  try {
    const result = await createAdminAccount(handle.db, parsed.data);
    process.stdout.write(`Created ${result.first ? "the first admin" : "an admin"}: ${result.user.name} <${result.user.email}> (${result.user.id}).\n`);
    if (result.key) process.stdout.write(`API key with every scope (shown once; keep it or revoke it): ${result.key}\n`);
  } finally {
    await close();
  }
}

async function main(): Promise<number> {
  // Warnings and errors only, as JSON on stderr: stdout is for the command's answer.
  setLogger(createLogger({ level: "warn", pretty: false, destination: pino.destination(2) }));
  const program = new Command()
    .name("npm run hub --")
    .description("Message Hub administration")
    .exitOverride()
    .showHelpAfterError();
  program
    .command("create-admin")
    .description("create an admin account (the first admin on a fresh hub, with an all-scopes API key)")
    .requiredOption("--email <email>", "the admin's email")
    .requiredOption("--name <name>", "the admin's name")
    .option("--password <password>", "the password; better read from stdin, which keeps it out of shell history")
    .action(createAdmin);
  try {
    await program.parseAsync(process.argv);
    return 0;
  } catch (error) {
    if (error instanceof Error && "exitCode" in error && "code" in error && String(error.code).startsWith("commander.")) return Number(error.exitCode);
    if (error instanceof UsageError || error instanceof ConfigError || isAppError(error)) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    process.stderr.write(`create-admin failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

process.exit(await main());
