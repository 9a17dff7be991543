import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { jsonLogs, startHub, type HubProcess } from "@/tests/helpers/process";

/**
 * The backup procedure in docs/deploy.md, end to end: pg_dump a live, seeded
 * hub database; pg_restore it into an empty database; a hub started on the
 * copy serves the same data, and the same credentials work on it.
 */
const adminUrl = inject("adminDatabaseUrl");
const hasPgTools = ["pg_dump", "pg_restore"].every((tool) => spawnSync(tool, ["--version"]).status === 0);

function databaseUrl(name: string): string {
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl! });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function run(tool: string, args: string[]): void {
  const result = spawnSync(tool, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr}`);
}

describe.skipIf(!adminUrl || !hasPgTools)("backup and restore with pg_dump", () => {
  const suffix = randomBytes(4).toString("hex");
  const source = `mh_backup_src_${suffix}`;
  const restored = `mh_backup_dst_${suffix}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "mh-backup-"));
  const hubs: HubProcess[] = [];

  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.stop("SIGKILL")));
    await admin(`drop database if exists ${source} with (force)`);
    await admin(`drop database if exists ${restored} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it("restores a dump of a live hub into a fresh database that serves the same data", async () => {
    await admin(`create database ${source}`);
    const original = await startHub({ DATABASE_URL: databaseUrl(source) });
    hubs.push(original);
    const call = (hub: HubProcess, method: string, route: string, key: string, body?: unknown) =>
      fetch(`${hub.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });

    // Seed: the first admin, three more keys, one of them revoked.
    const setup = await fetch(`${original.url}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "backup@example.test", password: "a long enough password", name: "Backup Admin" }),
    });
    expect(setup.status).toBe(201);
    const { key } = (await setup.json()) as { key: string };
    const extra: Array<{ id: string; key: string }> = [];
    for (const name of ["phone", "cli", "old laptop"]) {
      const res = await call(original, "POST", "/api/v1/api-keys", key, { name, scopes: ["messages:read", "messages:write"] });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { apiKey: { id: string }; key: string };
      extra.push({ id: body.apiKey.id, key: body.key });
    }
    expect((await call(original, "DELETE", `/api/v1/api-keys/${extra[2]!.id}`, key)).status).toBeLessThan(300);

    const before = {
      me: await (await call(original, "GET", "/api/v1/me", key)).json(),
      keys: ((await (await call(original, "GET", "/api/v1/api-keys", key)).json()) as { data: Array<Record<string, unknown>> }).data,
    };
    expect(before.keys).toHaveLength(3);

    // Dump while the hub is running: pg_dump reads one consistent snapshot.
    const dump = path.join(dir, "hub.dump");
    run("pg_dump", ["--format=custom", "--file", dump, "--dbname", databaseUrl(source)]);
    expect(statSync(dump).size).toBeGreaterThan(0);
    expect(await original.stop("SIGTERM")).toBe(0);

    await admin(`create database ${restored}`);
    run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", databaseUrl(restored), dump]);

    const copy = await startHub({ DATABASE_URL: databaseUrl(restored) });
    hubs.push(copy);
    // The migration history came along: nothing to apply, and the job schema is there too.
    const logs = jsonLogs(copy.logs);
    expect(logs.find((line) => line.msg === "migrations applied")?.applied).toBe(0);
    expect(logs.some((line) => line.msg === "job runner started")).toBe(true);

    const after = {
      me: await (await call(copy, "GET", "/api/v1/me", key)).json(),
      keys: ((await (await call(copy, "GET", "/api/v1/api-keys", key)).json()) as { data: Array<Record<string, unknown>> }).data,
    };
    expect(after.me).toEqual(before.me);
    const stable = (rows: Array<Record<string, unknown>>) => rows.map(({ id, name, prefix, scopes, createdAt, revokedAt }) => ({ id, name, prefix, scopes, createdAt, revokedAt }));
    expect(stable(after.keys)).toEqual(stable(before.keys));
    // Secrets still work, and a key revoked before the backup stays revoked.
    expect((await call(copy, "GET", "/api/v1/me", extra[0]!.key)).status).toBe(200);
    expect((await call(copy, "GET", "/api/v1/me", extra[2]!.key)).status).toBe(401);

    // The generated session secret is data too: sessions signed before the backup stay valid.
    const secrets = await Promise.all(
      [source, restored].map(async (name) => {
        const client = new pg.Client({ connectionString: databaseUrl(name) });
        await client.connect();
        const result = await client.query<{ value: string }>("select value from instance_settings where key = 'auth_secret'");
        await client.end();
        return result.rows[0]?.value;
      }),
    );
    expect(secrets[0]).toBeTruthy();
    expect(secrets[1]).toBe(secrets[0]);
    expect(await copy.stop("SIGTERM")).toBe(0);
  });
});
