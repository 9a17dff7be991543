import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as me, PATCH as updateMe } from "@/app/api/v1/me/route";
import { POST as changePassword } from "@/app/api/v1/me/password/route";
import { DELETE as signOutEverywhere } from "@/app/api/v1/me/sessions/route";
import { GET as listKeys, POST as createKey } from "@/app/api/v1/api-keys/route";
import { getConfig, parseConfig, setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema/audit";
import { apiKeys, users } from "@/lib/db/schema/users";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { makeDevice } from "@/tests/helpers/inbox";
import { browserHeaders, cookieFrom, HUB_ORIGIN, sessionCookie } from "@/tests/helpers/session";
import { signIn } from "@/tests/helpers/sign-in";

let baseline: Config;
beforeAll(() => {
  baseline = getConfig();
});
afterEach(() => setConfig(baseline));

async function auditFor(userId: string, action: string) {
  return getDb().select().from(auditLog).where(and(eq(auditLog.targetId, userId), eq(auditLog.action, action)));
}

describe("profile", () => {
  it("changes name and time zone, validates them, and audits the change", async () => {
    const alice = await makeUser();
    const result = await call(updateMe, { method: "PATCH", headers: await browserHeaders(alice.user), body: { name: "Alice Liddell", timezone: "Europe/Paris" } });
    expect(result.status).toBe(200);
    expect(result.body.user).toMatchObject({ id: alice.user.id, name: "Alice Liddell", timezone: "Europe/Paris" });
    expect(result.text).not.toContain("passwordHash");

    const bad = await call(updateMe, { method: "PATCH", key: alice.key, body: { timezone: "Mars/Olympus" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe("body.timezone");
    expect((await call(updateMe, { method: "PATCH", key: alice.key, body: {} })).status).toBe(422);

    const [audit] = await auditFor(alice.user.id, "user.profile_updated");
    expect(audit).toMatchObject({ actorId: alice.user.id, metadata: { fields: ["name", "timezone"] } });

    // A phone's key reads who it belongs to, but does not rename its owner.
    const phone = await makeDevice(alice);
    expect((await call(me, { key: phone.key })).status).toBe(200);
    const refused = await call(updateMe, { method: "PATCH", key: phone.key, body: { name: "Renamed by a phone" } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/device's API key/);
    expect((await call(me, { key: alice.key })).body.user.name).toBe("Alice Liddell");
  });
});

describe("password change", () => {
  it("needs the current password, ends every other session, keeps this one, and audits", async () => {
    const alice = await makeUser();
    const here = await signIn({ email: alice.user.email, password: alice.password, ip: "198.51.100.201" });
    const elsewhere = await signIn({ email: alice.user.email, password: alice.password, ip: "198.51.100.202" });
    expect(here.session && elsewhere.session).toBeTruthy();

    const wrong = await call(changePassword, { headers: { cookie: here.session!, origin: HUB_ORIGIN }, body: { currentPassword: "not it at all", newPassword: "a brand new password" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([{ path: "body.currentPassword", message: "is wrong" }]);
    const short = await call(changePassword, { headers: { cookie: here.session!, origin: HUB_ORIGIN }, body: { currentPassword: alice.password, newPassword: "short" } });
    expect(short.status).toBe(422);

    const changed = await call(changePassword, { headers: { cookie: here.session!, origin: HUB_ORIGIN }, body: { currentPassword: alice.password, newPassword: "a brand new password" } });
    expect(changed.status).toBe(204);
    const reissued = cookieFrom(changed.headers, "next-auth.session-token");
    expect(reissued).toBeDefined();

    expect((await call(me, { headers: { cookie: elsewhere.session! } })).status).toBe(401);
    expect((await call(me, { headers: { cookie: here.session! } })).status).toBe(401);
    expect((await call(me, { headers: { cookie: reissued! } })).status).toBe(200);
    // API keys are not sessions: they keep working.
    expect((await call(me, { key: alice.key })).status).toBe(200);

    expect((await signIn({ email: alice.user.email, password: alice.password, ip: "198.51.100.203" })).error).toBe("invalid");
    expect((await signIn({ email: alice.user.email, password: "a brand new password", ip: "198.51.100.204" })).status).toBe(200);
    expect(await auditFor(alice.user.id, "user.password_changed")).toHaveLength(1);
  });

  it("takes no API key, even one with every scope", async () => {
    const alice = await makeUser();
    const attempt = await call(changePassword, { key: alice.key, body: { currentPassword: alice.password, newPassword: "a brand new password" } });
    expect(attempt.status).toBe(403);
  });

  it("lets an account without a password (OAuth only) set its first one", async () => {
    const alice = await makeUser();
    await getDb().update(users).set({ passwordHash: null }).where(eq(users.id, alice.user.id));
    const set = await call(changePassword, { headers: await browserHeaders(alice.user), body: { newPassword: "my first password" } });
    expect(set.status).toBe(204);
    expect((await signIn({ email: alice.user.email, password: "my first password", ip: "198.51.100.205" })).status).toBe(200);
  });
});

describe("sign out everywhere", () => {
  it("ends every session, this one included, and clears the cookie; keys keep working", async () => {
    const alice = await makeUser();
    const a = await signIn({ email: alice.user.email, password: alice.password, ip: "198.51.100.206" });
    const b = await signIn({ email: alice.user.email, password: alice.password, ip: "198.51.100.207" });
    const out = await call(signOutEverywhere, { method: "DELETE", headers: { cookie: a.session!, origin: HUB_ORIGIN } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((line) => line.startsWith("next-auth.session-token=;") && /Max-Age=0/.test(line))).toBe(true);
    expect((await call(me, { headers: { cookie: a.session! } })).status).toBe(401);
    expect((await call(me, { headers: { cookie: b.session! } })).status).toBe(401);
    expect((await call(me, { key: alice.key })).status).toBe(200);
    expect(await auditFor(alice.user.id, "auth.sessions_revoked")).toHaveLength(1);
  });
});

describe("CSRF: session-authenticated writes must come from the hub's own origin", () => {
  it("refuses a cross-origin form POST to a session route with 403 and writes nothing", async () => {
    const alice = await makeUser();
    const cookie = await sessionCookie(alice.user);
    const forged = await call(createKey, {
      method: "POST",
      rawBody: "name=evil&scopes=messages:read",
      headers: { cookie, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.detail).toMatch(/Cross-site request refused/);
    const rows = await getDb().select().from(apiKeys).where(and(eq(apiKeys.userId, alice.user.id), eq(apiKeys.name, "evil")));
    expect(rows).toHaveLength(0);

    const renamed = await call(updateMe, { method: "PATCH", headers: { cookie, origin: "https://evil.example" }, body: { name: "Pwned" } });
    expect(renamed.status).toBe(403);
    const [row] = await getDb().select().from(users).where(eq(users.id, alice.user.id));
    expect(row!.name).toBe(alice.user.name);
  });

  it("refuses a session write with neither Origin nor Referer, and one from a look-alike origin", async () => {
    const alice = await makeUser();
    const cookie = await sessionCookie(alice.user);
    expect((await call(updateMe, { method: "PATCH", headers: { cookie }, body: { name: "No Origin" } })).status).toBe(403);
    expect((await call(updateMe, { method: "PATCH", headers: { cookie, origin: "http://hub.test.evil.example" }, body: { name: "Look-alike" } })).status).toBe(403);
    expect((await call(updateMe, { method: "PATCH", headers: { cookie, origin: "null" }, body: { name: "Null origin" } })).status).toBe(403);
  });

  it("accepts the hub's own origin, a same-origin Referer, and PUBLIC_URL", async () => {
    const alice = await makeUser();
    const cookie = await sessionCookie(alice.user);
    expect((await call(updateMe, { method: "PATCH", headers: { cookie, origin: HUB_ORIGIN }, body: { name: "Same Origin" } })).status).toBe(200);
    expect((await call(updateMe, { method: "PATCH", headers: { cookie, referer: `${HUB_ORIGIN}/settings/profile` }, body: { name: "Referer" } })).status).toBe(200);
    // Behind a proxy the Host may differ from what people type; PUBLIC_URL is what they type.
    setConfig(parseConfig({ NODE_ENV: "test", DATABASE_URL: baseline.DATABASE_URL, AUTH_SECRET: baseline.AUTH_SECRET, PUBLIC_URL: "https://hub.example.com" }));
    expect((await call(updateMe, { method: "PATCH", headers: { cookie, origin: "https://hub.example.com" }, body: { name: "Public URL" } })).status).toBe(200);
  });

  it("does not apply to reads, nor to API-key requests whatever their Origin", async () => {
    const alice = await makeUser();
    const cookie = await sessionCookie(alice.user);
    expect((await call(listKeys, { headers: { cookie, origin: "https://evil.example" } })).status).toBe(200);
    const byKey = await call(createKey, { key: alice.key, headers: { origin: "https://evil.example" }, body: { name: "script", scopes: ["messages:read"] } });
    expect(byKey.status).toBe(201);
  });
});
