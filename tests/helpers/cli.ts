import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { startHub, tempDataDir, type HubProcess } from "@/tests/helpers/process";

/**
 * For the CLI's system tests: a real hub on a database of its own (a fresh
 * Postgres database when the run has TEST_DATABASE_URL, else the embedded
 * one in a temp dir) with its first admin set up, and the CLI run the way a
 * person runs it: `node cli/bin.mjs …` as a child process, with its own
 * config file and a clean environment.
 */

const root = path.resolve(import.meta.dirname, "../..");
export const CLI_BIN = path.join(root, "cli/bin.mjs");

export type CliHub = {
  hub: HubProcess;
  url: string;
  /** The first admin's all-scopes key. */
  key: string;
  user: { id: string; email: string; name: string };
  /** A fetch against the hub's API with a key (the admin's by default). */
  api: (method: string, route: string, body?: unknown, key?: string) => Promise<{ status: number; body: any }>;
  stop: () => Promise<void>;
};

export async function startCliHub(env: Record<string, string> = {}): Promise<CliHub> {
  const admin = inject("adminDatabaseUrl");
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseEnv: Record<string, string>;
  if (admin) {
    const name = `mh_cli_${randomBytes(4).toString("hex")}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    databaseEnv = { DATABASE_URL: url.toString() };
    dropDatabase = async () => {
      const drop = new pg.Client({ connectionString: admin });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    };
  } else {
    databaseEnv = { DATA_DIR: tempDataDir() };
  }
  // A shared 2-core machine under load can take minutes to boot Next (the hook timeout is 300 s).
  const hub = await startHub({ ...databaseEnv, ...env }, { readyTimeoutMs: 240_000 });
  const api: CliHub["api"] = async (method, route, body, key) => {
    const res = await fetch(`${hub.url}${route}`, {
      method,
      headers: { ...(key === "" ? {} : { authorization: `Bearer ${key ?? setup.key}` }), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const setup = { key: "" };
  const made = await api("POST", "/api/v1/setup", { email: "ada@example.test", password: "a long enough passphrase", name: "Ada Lovelace" }, "");
  if (made.status !== 201) throw new Error(`setup failed: ${made.status} ${JSON.stringify(made.body)}`);
  setup.key = made.body.key;
  return {
    hub,
    url: hub.url,
    key: made.body.key,
    user: made.body.user,
    api,
    stop: async () => {
      await hub.stop("SIGTERM");
      await dropDatabase?.();
    },
  };
}

/**
 * Signs in over HTTP as the web app's sign-in form does (a CSRF token, then
 * the credentials form with json=true) and answers the session's cookies,
 * for the few session-only steps a test needs (turning two-factor on).
 */
export async function sessionCookie(url: string, input: { email: string; password: string; totp?: string }): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(";")[0]!;
      const index = pair.indexOf("=");
      jar.set(pair.slice(0, index), pair.slice(index + 1));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const csrf = await fetch(`${url}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email: input.email, password: input.password, totp: input.totp ?? "", json: "true" });
  const res = await fetch(`${url}/api/auth/callback/credentials`, { method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() } });
  keep(res);
  if (res.status !== 200 || ![...jar.keys()].some((name) => name.endsWith("session-token"))) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return cookie();
}

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** A config directory per test file: the CLI writes its profiles there. */
export function cliHome(): { dir: string; config: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mh-cli-"));
  return { dir, config: path.join(dir, "config", "config.json"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // Nothing from the test runner's environment leaks in (no MESSAGE_HUB_*, no TZ surprises).
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TZ: "Europe/Paris", LANG: "C.UTF-8", NODE_ENV: "production", ...env };
}

/** Runs the CLI to completion. */
export function cli(args: string[], options: { env?: Record<string, string | undefined>; stdin?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: root, env: cliEnv(options.env ?? {}), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`message-hub ${args.join(" ")} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}

export type LiveCli = {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  stderr: () => string;
  /** Resolves once a stdout line matches (or fails after the timeout). */
  waitForLine: (match: (line: string) => boolean, timeoutMs?: number) => Promise<string>;
  /** Resolves once stderr matches. */
  waitForStderr: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
};

/** Starts a long-running CLI command (tail) and follows its output line by line. */
export function startCli(args: string[], options: { env?: Record<string, string | undefined> } = {}): LiveCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: root, env: cliEnv(options.env ?? {}), stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let partial = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((waiter) => waiter());
  child.stdout!.on("data", (chunk: Buffer) => {
    partial += chunk.toString("utf8");
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    wake();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const waitFor = <T>(check: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const found = check();
        if (found === undefined) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}\nstdout:\n${lines.join("\n")}\nstderr:\n${stderr}`));
      }, timeoutMs);
      const waiter = () => void attempt();
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
      attempt();
    });
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLine: (match, timeoutMs = 20_000) => waitFor(() => lines.find(match), "a matching line", timeoutMs),
    waitForStderr: (pattern, timeoutMs = 20_000) => waitFor(() => (pattern.test(stderr) ? true : undefined), `stderr ${pattern}`, timeoutMs).then(() => undefined),
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGINT");
      return exited;
    },
  };
}

/**
 * A loopback TCP proxy that can drop every connection and refuse new ones
 * for a while: a network drop between the CLI and the hub.
 *
 * While cut, it keeps its port and resets each new connection, rather than
 * closing its listener: a closed port is free for the next socket the
 * machine opens, and restoring would then fail with EADDRINUSE.
 */
export async function cuttableProxy(targetPort: number) {
  const open = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    open.add(client);
    open.add(upstream);
    for (const socket of [client, upstream]) {
      socket.on("error", () => socket.destroy());
      socket.on("close", () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    async cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    async restore() {
      cut = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
