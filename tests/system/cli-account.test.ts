import { spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, cliHome, sessionCookie, startCliHub, type CliHub } from "@/tests/helpers/cli";
import { freePort } from "@/tests/helpers/process";

/**
 * The `message-hub` CLI against a real server: login (with a key, or with an
 * email and password that mint one) and profiles, whoami,
 * config, API keys, shell completion, and how it fails: a refused or
 * expired key (exit 3), an unknown id (exit 4), a bad flag (exit 2), a
 * server that is down (exit 1), each as one line without a stack trace.
 */

let hub: CliHub;
const home = cliHome();
const env = () => ({ MESSAGE_HUB_CONFIG: home.config });
const oneLine = (text: string) => text.trim().split("\n").length === 1;

/** Ada's password (the hub's first admin, made by startCliHub). */
const ADA_PASSWORD = "a long enough passphrase";
/** Every password the CLI is given in this file: none may reach a config file or the server's logs. */
const passwords = new Set([ADA_PASSWORD]);

beforeAll(async () => {
  // Password logins are many here: the per-address sign-in limit (10 per 15 min by default) would cut the file short.
  hub = await startCliHub({ RATE_LIMIT_AUTH_PER_15_MINUTES: "200" });
});

afterAll(async () => {
  await hub?.stop();
  home.cleanup();
});

describe("login, profiles and config", () => {
  it("logs in with a key from stdin, saves it 0600, and whoami answers from the server", async () => {
    const login = await cli(["login", "--server", `${hub.url}/`], { env: env(), stdin: `${hub.key}\n` });
    expect(login.stderr).toBe("");
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`Logged in to ${hub.url} as Ada Lovelace <ada@example.test> (profile 'default', the default).`);
    expect(login.stdout).toMatch(/Key scopes: messages:read, .*tasks:write, .*admin/);

    const mode = statSync(home.config).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(statSync(path.dirname(home.config)).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(home.config, "utf8"));
    expect(saved).toEqual({ defaultProfile: "default", profiles: { default: { server: hub.url, token: hub.key, user: "ada@example.test" } } });

    const whoami = await cli(["whoami"], { env: env() });
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toMatch(/^User\s+Ada Lovelace <ada@example\.test>$/m);
    expect(whoami.stdout).toMatch(new RegExp(`^Server\\s+${hub.url}$`, "m"));
    expect(whoami.stdout).toMatch(/^Role\s+admin$/m);

    const json = await cli(["whoami", "--json"], { env: env() });
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body).toMatchObject({ user: { id: hub.user.id, email: "ada@example.test", role: "admin" }, auth: { via: "apiKey" }, server: hub.url, profile: "default" });
    expect(body.auth.scopes).toContain("tasks:write");
  });

  it("refuses a key the server does not know (exit 3) and saves nothing", async () => {
    const other = cliHome();
    try {
      const bad = await cli(["login", "--server", hub.url, "--key", "mh_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"], { env: { MESSAGE_HUB_CONFIG: other.config } });
      expect(bad.code).toBe(3);
      expect(oneLine(bad.stderr)).toBe(true);
      expect(bad.stderr).toMatch(/^error: Unauthorized: Sign in, or send an API key as 'Authorization: Bearer mh_…'/);
      expect(() => statSync(other.config)).toThrow();

      const notAKey = await cli(["login", "--server", hub.url, "--key", "password123"], { env: { MESSAGE_HUB_CONFIG: other.config } });
      expect(notAKey.code).toBe(2);
      expect(notAKey.stderr).toMatch(/not a Message Hub API key/);
    } finally {
      other.cleanup();
    }
  });

  it("keeps several servers as profiles; --profile and MESSAGE_HUB_PROFILE pick one; the env vars override the file", async () => {
    const made = await hub.api("POST", "/api/v1/api-keys", { name: "work laptop", scopes: ["tasks:read"] });
    expect(made.status).toBe(201);
    const work = await cli(["login", "--server", hub.url, "--profile", "work"], { env: env(), stdin: made.body.key });
    expect(work.code).toBe(0);
    expect(work.stdout).toContain("(profile 'work')");
    expect(work.stderr).toContain("--profile work");

    const list = await cli(["config", "list", "--json"], { env: env() });
    const config = JSON.parse(list.stdout);
    expect(config.defaultProfile).toBe("default");
    expect(Object.keys(config.profiles)).toEqual(["default", "work"]);
    // Keys are masked to their public prefix.
    expect(config.profiles.work.token).toBe(`${made.body.apiKey.prefix}_…`);
    expect(list.stdout).not.toContain(made.body.key);
    expect(list.stdout).not.toContain(hub.key);

    const human = await cli(["config"], { env: env() });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/\[default\] \(default\)/);
    expect(human.stdout).toMatch(/\[work\]\n/);

    const asWork = await cli(["--profile", "work", "whoami", "--json"], { env: env() });
    expect(JSON.parse(asWork.stdout).auth.scopes).toEqual(["tasks:read"]);
    const viaEnv = await cli(["whoami", "--json"], { env: { ...env(), MESSAGE_HUB_PROFILE: "work" } });
    expect(JSON.parse(viaEnv.stdout).profile).toBe("work");

    const missing = await cli(["whoami", "--profile", "nope"], { env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/There is no profile 'nope'.*Known profiles: default, work/);

    // The env vars win over the file: the default profile points at a dead port here.
    const dead = `http://127.0.0.1:${await freePort()}`;
    expect((await cli(["config", "set", "server", dead, "--profile", "work"], { env: env() })).code).toBe(0);
    const overridden = await cli(["--profile", "work", "whoami", "--json"], { env: { ...env(), MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: hub.key } });
    expect(overridden.code).toBe(0);
    expect(JSON.parse(overridden.stdout).auth.scopes).toContain("admin");
    const get = await cli(["config", "get", "server", "--profile", "work"], { env: { ...env(), MESSAGE_HUB_URL: "http://override.example" } });
    expect(get.stdout.trim()).toBe("http://override.example");

    expect((await cli(["config", "set", "default-profile", "work"], { env: env() })).stdout).toContain("The default profile is now 'work'.");
    expect((await cli(["config", "get", "server"], { env: env() })).stdout.trim()).toBe(dead);
    expect((await cli(["config", "get", "token", "--json"], { env: env() })).stdout).toContain(made.body.key);
    expect((await cli(["config", "set", "default-profile", "default"], { env: env() })).code).toBe(0);
    const unknownSetting = await cli(["config", "set", "colour", "blue"], { env: env() });
    expect(unknownSetting.code).toBe(2);
    expect(statSync(home.config).mode & 0o777).toBe(0o600);
  });

  it("warns when the config file is readable by others", async () => {
    const other = cliHome();
    try {
      await cli(["login", "--server", hub.url], { env: { MESSAGE_HUB_CONFIG: other.config }, stdin: hub.key });
      spawnSync("chmod", ["644", other.config]);
      const result = await cli(["whoami"], { env: { MESSAGE_HUB_CONFIG: other.config } });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`warning: ${other.config} holds API keys but other users can read it (mode 644); run: chmod 600 ${other.config}`);
    } finally {
      other.cleanup();
    }
  });

  it("says how to log in when there is no profile (exit 3), and reads a broken config file as an error, not a crash", async () => {
    const other = cliHome();
    try {
      const none = await cli(["tasks"], { env: { MESSAGE_HUB_CONFIG: other.config } });
      expect(none.code).toBe(3);
      expect(none.stderr).toBe("error: Not logged in — Run `message-hub login --server URL`, or set MESSAGE_HUB_URL and MESSAGE_HUB_TOKEN.\n");
      await cli(["config", "set", "server", hub.url], { env: { MESSAGE_HUB_CONFIG: other.config } });
      writeFileSync(other.config, "{ not json", { mode: 0o600 });
      const broken = await cli(["whoami"], { env: { MESSAGE_HUB_CONFIG: other.config } });
      expect(broken.code).toBe(1);
      expect(oneLine(broken.stderr)).toBe(true);
      expect(broken.stderr).toMatch(/is not valid JSON/);
      expect(broken.stderr).not.toMatch(/\n\s+at /);
    } finally {
      other.cleanup();
    }
  });
});

describe("login with an email and password", () => {
  /** A member account, through an invite (as a person gets one). */
  async function makeMember(email: string, name: string): Promise<{ id: string; email: string; password: string }> {
    const password = `${name} has a long passphrase ${Date.now()}`;
    passwords.add(password);
    const invite = await hub.api("POST", "/api/v1/admin/invites", { email });
    expect(invite.status).toBe(201);
    const accepted = await hub.api("POST", `/api/v1/invites/${invite.body.token}/accept`, { name, password }, "");
    expect(accepted.status).toBe(201);
    return { id: accepted.body.user.id, email, password };
  }

  async function auditCount(action: string, actor: string): Promise<number> {
    const res = await hub.api("GET", `/api/v1/admin/audit?action=${action}&actor=${actor}&limit=100`);
    expect(res.status).toBe(200);
    return res.body.data.length;
  }

  it("signs in, mints a named key with the user's scopes (not admin), saves it 0600, signs out; `keys` lists the key", async () => {
    const other = cliHome();
    const otherEnv = { MESSAGE_HUB_CONFIG: other.config };
    try {
      const signOutsBefore = await auditCount("auth.sign_out", hub.user.id);
      const login = await cli(["login", "--server", hub.url, "--email", "Ada@Example.test", "--name", "ada's laptop"], { env: otherEnv, stdin: `${ADA_PASSWORD}\n` });
      expect(login.code).toBe(0);
      expect(login.stdout).toBe(
        `Logged in to ${hub.url} as Ada Lovelace <ada@example.test> (profile 'default', the default).\nKey scopes: messages:read, messages:write, devices:write, rooms:read, rooms:write, tasks:read, tasks:write\n`,
      );
      const created = login.stderr.match(/^Created API key (key_[0-9a-z]{26}) "ada's laptop" \(revoke it with: message-hub keys revoke \1\)\.\n$/);
      expect(created, login.stderr).not.toBeNull();
      const keyId = created![1]!;

      expect(statSync(other.config).mode & 0o777).toBe(0o600);
      const text = readFileSync(other.config, "utf8");
      const saved = JSON.parse(text);
      expect(saved.profiles.default).toEqual({ server: hub.url, token: expect.stringMatching(/^mh_[0-9a-z]{8}_/), user: "ada@example.test" });
      expect(text).not.toContain(ADA_PASSWORD);
      // The saved key is the one just made, and it works.
      const me = await hub.api("GET", "/api/v1/me", undefined, saved.profiles.default.token);
      expect(me.body.auth).toMatchObject({ via: "apiKey", apiKeyId: keyId });

      const keys = await cli(["keys", "--json"], { env: otherEnv });
      expect(keys.code).toBe(0);
      const listed = JSON.parse(keys.stdout).data.find((k: { id: string }) => k.id === keyId);
      expect(listed).toMatchObject({ name: "ada's laptop", scopes: ["messages:read", "messages:write", "devices:write", "rooms:read", "rooms:write", "tasks:read", "tasks:write"], expiresAt: null });
      expect((await cli(["keys"], { env: otherEnv })).stdout).toContain(keyId);

      // The session it signed in with was signed out again.
      expect(await auditCount("auth.sign_out", hub.user.id)).toBe(signOutsBefore + 1);
    } finally {
      other.cleanup();
    }
  });

  it("--scope, --expires and --json: the key holds exactly the scopes asked for; admin only when asked", async () => {
    const other = cliHome();
    const otherEnv = { MESSAGE_HUB_CONFIG: other.config };
    try {
      const login = await cli(["login", "--server", hub.url, "--email", "ada@example.test", "--scope", "tasks:read,admin", "--expires", "in 30 days", "--profile", "scoped", "--json"], { env: otherEnv, stdin: ADA_PASSWORD });
      expect(login.code).toBe(0);
      const body = JSON.parse(login.stdout);
      expect(body).toMatchObject({ profile: "scoped", default: true, server: hub.url, user: { email: "ada@example.test" }, auth: { via: "apiKey", scopes: ["tasks:read", "admin"] } });
      const key = (await hub.api("GET", "/api/v1/api-keys")).body.data.find((k: { id: string }) => k.id === body.auth.apiKeyId);
      expect(key.name).toMatch(/^cli@/);
      expect(Date.parse(key.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);

      const both = await cli(["login", "--server", hub.url, "--email", "ada@example.test", "--key", hub.key], { env: otherEnv });
      expect(both.code).toBe(2);
      expect(both.stderr).toBe("error: Give --key or --email, not both.\n");
      const scopeWithKey = await cli(["login", "--server", hub.url, "--scope", "tasks:read"], { env: otherEnv, stdin: hub.key });
      expect(scopeWithKey.code).toBe(2);
      const noPassword = await cli(["login", "--server", hub.url, "--email", "ada@example.test"], { env: otherEnv, stdin: "" });
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toMatch(/^error: No password given/);
    } finally {
      other.cleanup();
    }
  });

  it("a wrong password: exit 3 with one line, nothing saved, no key made", async () => {
    const other = cliHome();
    try {
      const keysBefore = (await hub.api("GET", "/api/v1/api-keys")).body.data.length;
      passwords.add("not the passphrase at all");
      const wrong = await cli(["login", "--server", hub.url, "--email", "ada@example.test"], { env: { MESSAGE_HUB_CONFIG: other.config }, stdin: "not the passphrase at all\n" });
      expect(wrong.code).toBe(3);
      expect(wrong.stdout).toBe("");
      expect(wrong.stderr).toBe("error: That email and password do not match an account.\n");
      expect(() => statSync(other.config)).toThrow();
      expect((await hub.api("GET", "/api/v1/api-keys")).body.data.length).toBe(keysBefore);

      const nobody = await cli(["login", "--server", hub.url, "--email", "nobody@example.test"], { env: { MESSAGE_HUB_CONFIG: other.config }, stdin: "not the passphrase at all\n" });
      expect(nobody.code).toBe(3);
      expect(nobody.stderr).toBe("error: That email and password do not match an account.\n");
      expect(() => statSync(other.config)).toThrow();
    } finally {
      other.cleanup();
    }
  });

  it("an account with two-factor on needs the code: refused without it or with a wrong one (exit 3), signed in with --totp or a backup code", async () => {
    const grace = await makeMember("grace@example.test", "Grace Hopper");
    // Two-factor is turned on from a signed-in session, as in the web app's settings.
    const cookie = await sessionCookie(hub.url, grace);
    const browser = { cookie, origin: hub.url };
    const started = await fetch(`${hub.url}/api/v1/me/totp`, { method: "POST", headers: browser });
    expect(started.status).toBe(200);
    const { secret } = (await started.json()) as { secret: string };
    const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
    const confirmed = await fetch(`${hub.url}/api/v1/me/totp/confirm`, { method: "POST", headers: { ...browser, "content-type": "application/json" }, body: JSON.stringify({ code: totp.generate() }) });
    expect(confirmed.status).toBe(200);
    const { backupCodes } = (await confirmed.json()) as { backupCodes: string[] };

    const other = cliHome();
    const otherEnv = { MESSAGE_HUB_CONFIG: other.config };
    try {
      const login = (extra: string[]) => cli(["login", "--server", hub.url, "--email", grace.email, ...extra], { env: otherEnv, stdin: `${grace.password}\n` });
      const noCode = await login([]);
      expect(noCode.code).toBe(3);
      expect(noCode.stderr).toBe("error: This account has two-factor sign-in on — Give the code from your authenticator app (or a backup code) with --totp CODE.\n");
      expect(() => statSync(other.config)).toThrow();

      const wrongCode = await login(["--totp", "000000"]);
      expect(wrongCode.code).toBe(3);
      expect(wrongCode.stderr).toMatch(/^error: That two-factor code is not right/);
      expect(() => statSync(other.config)).toThrow();

      // The step the enrolment spent is used up; the next one is accepted (one step of clock drift is allowed).
      const withCode = await login(["--totp", totp.generate({ timestamp: Date.now() + 30_000 }), "--json"]);
      expect(withCode.code, withCode.stderr).toBe(0);
      expect(JSON.parse(withCode.stdout)).toMatchObject({ user: { id: grace.id, role: "member" }, auth: { scopes: ["messages:read", "messages:write", "devices:write", "rooms:read", "rooms:write", "tasks:read", "tasks:write"] } });

      const withBackup = await login(["--totp", backupCodes[0]!, "--profile", "backup"]);
      expect(withBackup.code, withBackup.stderr).toBe(0);
      expect(withBackup.stdout).toContain("as Grace Hopper <grace@example.test> (profile 'backup')");
      expect((await cli(["--profile", "backup", "whoami", "--json"], { env: otherEnv })).stdout).toContain(grace.id);
      expect(readFileSync(other.config, "utf8")).not.toContain(grace.password);
    } finally {
      other.cleanup();
    }
  });

  it("the back-off after failed sign-ins applies: a locked account is refused with the wait (exit 3), even with the right password", async () => {
    const linus = await makeMember("linus@example.test", "Linus Torvalds");
    const other = cliHome();
    const otherEnv = { MESSAGE_HUB_CONFIG: other.config };
    try {
      passwords.add("a wrong guess, surely");
      // SIGNIN_MAX_FAILURES is 5 by default.
      for (let i = 0; i < 5; i++) {
        const wrong = await cli(["login", "--server", hub.url, "--email", linus.email], { env: otherEnv, stdin: "a wrong guess, surely\n" });
        expect(wrong.code).toBe(3);
        expect(wrong.stderr).toBe("error: That email and password do not match an account.\n");
      }
      const locked = await cli(["login", "--server", hub.url, "--email", linus.email], { env: otherEnv, stdin: `${linus.password}\n` });
      expect(locked.code).toBe(3);
      expect(locked.stderr).toMatch(/^error: Too many failed sign-in attempts: try again in 1[45] min( \d+ s)?\.\n$/);
      expect(() => statSync(other.config)).toThrow();
    } finally {
      other.cleanup();
    }
  });
});

describe("API keys", () => {
  it("creates a scoped key (shown once), lists it, revokes it; the revoked key is refused with exit 3", async () => {
    const created = await cli(["keys", "create", "--name", "grafana", "--scope", "messages:read", "--scope", "tasks:read", "--expires", "in 90 days", "--json"], { env: env() });
    expect(created.code).toBe(0);
    const { apiKey, key } = JSON.parse(created.stdout);
    expect(apiKey).toMatchObject({ name: "grafana", scopes: ["messages:read", "tasks:read"] });
    expect(Date.parse(apiKey.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(key).toMatch(/^mh_[0-9a-z]{8}_/);

    const human = await cli(["keys", "create", "--scope", "tasks:read"], { env: env() });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Created key_[0-9a-z]{26} "cli@.+" \(tasks:read\)\.\nThe key, shown once:\n {2}mh_[0-9a-z]{8}_\S+\n$/);

    const table = await cli(["keys"], { env: env() });
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+/);
    expect(table.stdout).toContain(apiKey.id);
    expect(table.stdout).toContain("grafana");
    expect(table.stdout).not.toContain(key);
    const listed = JSON.parse((await cli(["keys", "list", "--json"], { env: env() })).stdout);
    expect(listed.data.map((k: { id: string }) => k.id)).toContain(apiKey.id);

    const revoked = await cli(["keys", "revoke", apiKey.id], { env: env() });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`Revoked ${apiKey.id} "grafana".\n`);
    const refused = await cli(["whoami"], { env: { MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: key } });
    expect(refused.code).toBe(3);
    expect(oneLine(refused.stderr)).toBe(true);
  });

  it("an expired key: exit 3 with the server's detail on one line, no stack trace", async () => {
    const made = await hub.api("POST", "/api/v1/api-keys", { name: "short-lived", scopes: ["tasks:read"], expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(made.status).toBe(201);
    expect((await cli(["whoami"], { env: { MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: made.body.key } })).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const expired = await cli(["tasks"], { env: { MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: made.body.key } });
    expect(expired.code).toBe(3);
    expect(expired.stdout).toBe("");
    expect(oneLine(expired.stderr)).toBe(true);
    expect(expired.stderr).toMatch(/^error: Unauthorized: Sign in, or send an API key as 'Authorization: Bearer mh_…' — The API key was refused: it may be revoked, expired or mistyped/);
  });

  it("a key without the scope a command needs: exit 3 naming the scope", async () => {
    const made = await hub.api("POST", "/api/v1/api-keys", { name: "read only", scopes: ["tasks:read"] });
    const result = await cli(["tasks", "add", "Write something"], { env: { MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: made.body.key } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: Forbidden: This API key lacks the scope tasks:write/);
  });

  it("revoking an unknown key is exit 4; granting a scope the key lacks is exit 3", async () => {
    const unknown = await cli(["keys", "revoke", "key_00000000000000000000000000"], { env: env() });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toBe("error: Not found: API key not found\n");
    const made = await hub.api("POST", "/api/v1/api-keys", { name: "narrow", scopes: ["tasks:read"] });
    const escalate = await cli(["keys", "create", "--scope", "admin"], { env: { MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: made.body.key } });
    expect(escalate.code).toBe(3);
    expect(escalate.stderr).toMatch(/You cannot grant scopes you do not hold: admin/);
  });

  it("--json for login, config set, keys revoke and logout", async () => {
    const other = cliHome();
    const otherEnv = { MESSAGE_HUB_CONFIG: other.config };
    try {
      const made = await hub.api("POST", "/api/v1/api-keys", { name: "json", scopes: ["tasks:read"] });
      const login = await cli(["login", "--server", hub.url, "--json"], { env: otherEnv, stdin: made.body.key });
      expect(login.code).toBe(0);
      expect(JSON.parse(login.stdout)).toMatchObject({ profile: "default", default: true, server: hub.url, user: { email: "ada@example.test" }, auth: { scopes: ["tasks:read"], apiKeyId: made.body.apiKey.id } });
      const set = await cli(["config", "set", "server", `${hub.url}/`, "--json"], { env: otherEnv });
      expect(JSON.parse(set.stdout)).toEqual({ key: "server", value: hub.url, profile: "default" });
      const revokeOther = await hub.api("POST", "/api/v1/api-keys", { name: "to revoke", scopes: ["tasks:read"] });
      const revoked = await cli(["keys", "revoke", revokeOther.body.apiKey.id, "--json"], { env: env() });
      expect(JSON.parse(revoked.stdout).apiKey).toMatchObject({ id: revokeOther.body.apiKey.id, name: "to revoke", revokedAt: expect.any(String) });
      const logout = await cli(["logout", "--json"], { env: otherEnv });
      expect(JSON.parse(logout.stdout)).toEqual({ profile: "default", revoked: null });
      expect((await cli(["whoami"], { env: otherEnv })).code).toBe(3);
    } finally {
      other.cleanup();
    }
  });

  it("logout --revoke revokes the profile's key on the server and forgets it", async () => {
    const made = await hub.api("POST", "/api/v1/api-keys", { name: "to log out", scopes: ["tasks:read"] });
    const other = cliHome();
    try {
      await cli(["login", "--server", hub.url, "--key", made.body.key], { env: { MESSAGE_HUB_CONFIG: other.config } });
      const out = await cli(["logout", "--revoke"], { env: { MESSAGE_HUB_CONFIG: other.config } });
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(`Logged out of profile 'default' and revoked key ${made.body.apiKey.id}.\n`);
      expect(JSON.parse(readFileSync(other.config, "utf8")).profiles.default).toEqual({ server: hub.url });
      expect((await hub.api("GET", "/api/v1/me", undefined, made.body.key)).status).toBe(401);
    } finally {
      other.cleanup();
    }
  });
});

describe("failures", () => {
  it("a server that is down: a clear one-line message and exit 1; --debug adds the stack", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await cli(["tasks"], { env: { MESSAGE_HUB_URL: dead, MESSAGE_HUB_TOKEN: hub.key } });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe("");
    expect(down.stderr).toBe(`error: Cannot reach Message Hub at ${dead}: connection refused — Is the server running and is the address right? Check \`message-hub config list\` or MESSAGE_HUB_URL.\n`);
    const debug = await cli(["tasks", "--debug"], { env: { MESSAGE_HUB_URL: dead, MESSAGE_HUB_TOKEN: hub.key } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/debug: GET \/api\/v1\/tasks failed after \d+ ms: connection refused/);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("usage errors are exit 2 with commander's message", async () => {
    const unknownFlag = await cli(["tasks", "--bogus"], { env: env() });
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/^error: unknown option '--bogus'/);
    const missingArg = await cli(["tasks", "add"], { env: env() });
    expect(missingArg.code).toBe(2);
    expect(missingArg.stderr).toMatch(/missing required argument 'title'/);
    const badChoice = await cli(["tasks", "add", "x", "--priority", "urgent"], { env: env() });
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toMatch(/Allowed choices are low, medium, high/);
    const badEvery = await cli(["tasks", "add", "x", "--due", "tomorrow", "--every", "every blue moon"], { env: env() });
    expect(badEvery.code).toBe(2);
    expect(badEvery.stderr).toMatch(/^error: --every: cannot read 'every blue moon'/);
    const badLimit = await cli(["tasks", "--limit", "0"], { env: env() });
    expect(badLimit.code).toBe(2);
    const noCommand = await cli([], { env: env() });
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain("Usage: message-hub");
  });

  it("the server's logs never hold the keys or the passwords the CLI sent", () => {
    const logs = hub.hub.logs.join("\n");
    expect(logs).not.toContain(hub.key);
    // The secret is everything after the prefix: base64url, so it may hold (or start with) "_".
    const secret = /^mh_[0-9a-z]{8}_(.+)$/.exec(hub.key)![1]!;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(logs).not.toContain(secret);
    // The password sign-ins above did reach the server (it logged their refusals)…
    expect(logs).toMatch(/sign-in refused/);
    // …but never a password.
    expect(passwords.size).toBeGreaterThan(3);
    for (const password of passwords) expect(logs).not.toContain(password);
  });
});

describe("help and completion", () => {
  it("every command has --help with examples", async () => {
    const tree = JSON.parse((await cli(["completion", "bash", "--json"], { env: env() })).stdout);
    const paths: string[] = tree.commands.map((node: { path: string }) => node.path).filter((p: string) => p && p !== "inbox" && !p.startsWith("inbox "));
    expect(paths).toEqual(
      expect.arrayContaining(["login", "logout", "whoami", "config list", "config get", "config set", "messages", "messages list", "messages show", "mark-read", "mark-unread", "tag", "export", "tail", "devices", "devices register", "devices revoke", "rooms", "rooms open", "rooms status", "rooms say", "rooms tail", "tasks", "tasks add", "tasks done", "tasks edit", "keys", "keys create", "keys revoke", "completion"]),
    );
    // Four at a time: the machine is shared.
    const helps: Awaited<ReturnType<typeof cli>>[] = [];
    for (let i = 0; i < paths.length; i += 4) helps.push(...(await Promise.all(paths.slice(i, i + 4).map((p) => cli([...p.split(" "), "--help"], { env: env() })))));
    helps.forEach((help, i) => {
      expect(help.code, paths[i]).toBe(0);
      expect(help.stdout, paths[i]).toMatch(new RegExp(`^Usage: message-hub ${paths[i]!.replace(/ /g, " ")}`));
      expect(help.stdout, paths[i]).toMatch(/\nExamples:\n {2}\$ .*message-hub /);
      expect(help.stdout, paths[i]).toContain("--json");
    });
  });

  it("bash completion completes commands, subcommands and choices", async () => {
    const script = (await cli(["completion", "bash"], { env: env() })).stdout;
    const complete = (words: string[]) => {
      const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _message_hub; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = spawnSync("bash", ["-c", program], { encoding: "utf8" });
      expect(result.stderr).toBe("");
      return result.stdout.trim().split("\n");
    };
    expect(complete(["message-hub", "ta"])).toEqual(["tag", "tail", "tasks"]);
    expect(complete(["message-hub", "tasks", ""])).toEqual(expect.arrayContaining(["list", "add", "done", "edit", "--json"]));
    expect(complete(["message-hub", "tasks", "add", "x", "--prio"])).toEqual(["--priority"]);
    expect(complete(["message-hub", "tasks", "add", "x", "--priority", ""])).toEqual(["low", "medium", "high"]);
    expect(complete(["message-hub", "--json", "export", "--format", "n"])).toEqual(["ndjson"]);
    // The same flag means different things in different commands.
    expect(complete(["message-hub", "tasks", "edit", "task_x", "--status", ""])).toEqual(["todo", "in_progress", "done"]);
    expect(complete(["message-hub", "rooms", "--status", ""])).toEqual(["investigating", "identified", "monitoring", "resolved"]);
    // A group offers its default list command's flags.
    expect(complete(["message-hub", "tasks", "--over"])).toEqual(["--overdue"]);
    expect(complete(["message-hub", "completion", ""])).toEqual(expect.arrayContaining(["--json"]));
  });

  const installed = (shell: string) => spawnSync(shell, ["-c", "exit 0"]).status === 0;
  it.skipIf(!installed("zsh"))("the zsh script is valid zsh", () => checkSyntax("zsh"));
  it.skipIf(!installed("fish"))("the fish script is valid fish", () => checkSyntax("fish"));

  async function checkSyntax(shell: string) {
    const script = (await cli(["completion", shell], { env: env() })).stdout;
    expect(script).toContain("message-hub");
    const file = path.join(home.dir, `completion.${shell}`);
    writeFileSync(file, script);
    const check = spawnSync(shell, ["-n", file], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  }
});
