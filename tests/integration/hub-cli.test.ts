import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { verifyApiKey } from "@/lib/auth/api-keys";
import { auditLog } from "@/lib/db/schema/audit";
import { users } from "@/lib/db/schema/users";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { verifyPassword } from "@/lib/auth/passwords";
import { connectDatabase, getDb } from "@/lib/db/client";
import { makeUser } from "@/tests/helpers/factories";
import { rememberSecret } from "@/tests/helpers/logs";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs `npm run hub -- …` as an operator would (tsx scripts/hub.ts), with the password on stdin. */
function hub(args: string[], env: Record<string, string>, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "scripts/hub.ts"), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const PASSWORD = rememberSecret("password", "operator chosen password");

describe("npm run hub -- create-admin", () => {
  it("with DATABASE_URL: adds an admin to a hub that has users; refuses a taken email and a short password", async () => {
    await makeUser();
    const env = { DATABASE_URL: inject("databaseUrl") };
    const email = `cli-${Date.now().toString(36)}@example.test`;
    const made = await hub(["create-admin", "--email", email.toUpperCase(), "--name", "Second Admin"], env, `${PASSWORD}\n`);
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^Created an admin: Second Admin <cli-[0-9a-z]+@example\.test> \(usr_[0-9a-z]+\)\./);
    // Only the first admin gets a key; later ones sign in.
    expect(made.stdout).not.toMatch(/mh_/);
    const [row] = await getDb().select().from(users).where(eq(users.email, email));
    expect(row).toMatchObject({ role: "admin", name: "Second Admin" });
    expect(await verifyPassword(PASSWORD, row!.passwordHash)).toBe(true);
    const [audit] = await getDb().select().from(auditLog).where(eq(auditLog.targetId, row!.id));
    expect(audit).toMatchObject({ action: "user.created", actorId: null, metadata: { via: "cli", first: false } });

    const taken = await hub(["create-admin", "--email", email, "--name", "Again"], env, PASSWORD);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already exists/);

    const short = await hub(["create-admin", "--email", `x${email}`, "--name", "Third"], env, "short\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/--password must be at least 10 characters/);
    expect(await getDb().select().from(users).where(eq(users.email, `x${email}`))).toHaveLength(0);
  });

  describe("on the embedded database", () => {
    it("refuses with a clear message while a server holds the database, then creates the first admin with a key", async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "mh-cli-"));
      const running = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "pglite") });
      const busy = await hub(["create-admin", "--email", "ops@example.test", "--name", "Ops"], { DATA_DIR: dataDir }, PASSWORD);
      await running.stop();
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`is in use by a running Message Hub server (pid ${process.pid})`);
      expect(busy.stderr).toMatch(/Stop the server and run this command again/);

      const done = await hub(["create-admin", "--email", "ops@example.test", "--name", "Ops"], { DATA_DIR: dataDir }, PASSWORD);
      expect(done.stderr).toBe("");
      expect(done.code).toBe(0);
      expect(done.stdout).toMatch(/^Created the first admin: Ops <ops@example\.test>/);
      const key = rememberSecret("api-key", done.stdout.match(/mh_[0-9a-z]{8}_[0-9A-Za-z_-]+/)![0]);

      // The command released the folder: a server can open it now, and finds the admin and the key.
      const after = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "pglite") });
      const handle = connectDatabase(after.url, { max: 1 });
      try {
        const [ops] = await handle.db.select().from(users).where(eq(users.email, "ops@example.test"));
        expect(ops).toMatchObject({ role: "admin" });
        expect((await verifyApiKey(handle.db, key))?.userId).toBe(ops!.id);
      } finally {
        await handle.pool.end();
        await after.stop();
      }
    }, 120_000);
  });
});
