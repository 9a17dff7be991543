import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listUsers } from "@/app/api/v1/admin/users/route";
import { GET as getUser, PATCH as updateUser } from "@/app/api/v1/admin/users/[id]/route";
import { GET as audit } from "@/app/api/v1/admin/audit/route";
import { GET as me } from "@/app/api/v1/me/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { SCOPES } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema/audit";
import { users } from "@/lib/db/schema/users";
import { updateUserByAdmin } from "@/lib/users/admin";
import { setupFirstAdmin } from "@/lib/users/setup";
import { createUser } from "@/lib/users/users";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { isolatedDatabase, usingDatabase } from "@/tests/helpers/isolated-database";
import { rememberSecret } from "@/tests/helpers/logs";
import { browserHeaders, sessionCookie } from "@/tests/helpers/session";
import { signIn } from "@/tests/helpers/sign-in";

describe("admin: users", () => {
  it("lists users oldest first, paginated, filtered by q, role and status, without secrets", async () => {
    const admin = await makeUser({ role: "admin" });
    const marker = `Zebra${Date.now().toString(36)}`;
    const a = await makeUser({ name: `${marker} One` });
    const b = await makeUser({ name: `${marker} Two`, role: "admin" });
    const c = await makeUser({ name: `${marker} Three` });
    const filtered = await call(listUsers, { key: admin.key, query: { q: marker.toLowerCase(), limit: 2 } });
    expect(filtered.status).toBe(200);
    expect(filtered.body.data.map((u: { id: string }) => u.id)).toEqual([a.user.id, b.user.id]);
    expect(filtered.body.hasMore).toBe(true);
    const rest = await call(listUsers, { key: admin.key, query: { q: marker, limit: 2, cursor: filtered.body.nextCursor } });
    expect(rest.body.data.map((u: { id: string }) => u.id)).toEqual([c.user.id]);
    expect(rest.body).toMatchObject({ hasMore: false, nextCursor: null });
    expect(filtered.text).not.toMatch(/passwordHash|scrypt|totpSecret|sessionVersion/);

    const admins = await call(listUsers, { key: admin.key, query: { q: marker, role: "admin" } });
    expect(admins.body.data.map((u: { id: string }) => u.id)).toEqual([b.user.id]);
    await getDb().update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, c.user.id));
    const active = await call(listUsers, { key: admin.key, query: { q: marker, status: "active" } });
    expect(active.body.data.map((u: { id: string }) => u.id)).toEqual([a.user.id, b.user.id]);
    const deactivated = await call(listUsers, { key: admin.key, query: { q: marker, status: "deactivated" } });
    expect(deactivated.body.data.map((u: { id: string }) => u.id)).toEqual([c.user.id]);
    expect((await call(listUsers, { key: admin.key, query: { limit: 501 } })).status).toBe(422);
  });

  it("shows one user; an unknown id is a 404", async () => {
    const admin = await makeUser({ role: "admin" });
    const alice = await makeUser();
    const shown = await call(getUser, { key: admin.key, params: { id: alice.user.id } });
    expect(shown.body.user).toMatchObject({ id: alice.user.id, email: alice.user.email, role: "member" });
    expect((await call(getUser, { key: admin.key, params: { id: "usr_nobody" } })).status).toBe(404);
  });

  it("changes roles: a promoted member reaches admin routes; a demoted admin's key loses the admin scope", async () => {
    const admin = await makeUser({ role: "admin" });
    const alice = await makeUser({ scopes: SCOPES });
    expect((await call(listUsers, { key: alice.key })).status).toBe(403);
    const promoted = await call(updateUser, { method: "PATCH", key: admin.key, params: { id: alice.user.id }, body: { role: "admin" } });
    expect(promoted.body.user.role).toBe("admin");
    expect((await call(listUsers, { key: alice.key })).status).toBe(200);

    await call(updateUser, { method: "PATCH", key: admin.key, params: { id: alice.user.id }, body: { role: "member" } });
    expect((await call(listUsers, { key: alice.key })).status).toBe(403);
    const whoami = await call(me, { key: alice.key });
    expect(whoami.body.auth.scopes).not.toContain("admin");

    const changes = await getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, alice.user.id), eq(auditLog.action, "user.role_changed")))
      .orderBy(auditLog.createdAt);
    expect(changes.map((row) => row.metadata)).toEqual([
      { from: "member", to: "admin" },
      { from: "admin", to: "member" },
    ]);
    expect(changes.every((row) => row.actorId === admin.user.id)).toBe(true);
  });

  it("deactivates: sessions, keys and sign-in stop at once; reactivation restores keys, not old sessions", async () => {
    const admin = await makeUser({ role: "admin" });
    const bob = await makeUser();
    const session = await signIn({ email: bob.user.email, password: bob.password, ip: "198.51.100.240" });
    expect((await call(me, { headers: { cookie: session.session! } })).status).toBe(200);

    const off = await call(updateUser, { method: "PATCH", headers: await browserHeaders(admin.user), params: { id: bob.user.id }, body: { active: false } });
    expect(off.status).toBe(200);
    expect((await call(me, { key: bob.key })).status).toBe(401);
    expect((await call(me, { headers: { cookie: session.session! } })).status).toBe(401);
    expect((await signIn({ email: bob.user.email, password: bob.password, ip: "198.51.100.241" })).error).toBe("deactivated");

    const on = await call(updateUser, { method: "PATCH", key: admin.key, params: { id: bob.user.id }, body: { active: true } });
    expect(on.body.user.deactivatedAt).toBeNull();
    expect((await call(me, { key: bob.key })).status).toBe(200);
    expect((await call(me, { headers: { cookie: session.session! } })).status).toBe(401);
    expect((await signIn({ email: bob.user.email, password: bob.password, ip: "198.51.100.242" })).status).toBe(200);

    const trail = await call(audit, { key: admin.key, query: { actor: admin.user.id } });
    expect(trail.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["user.deactivated", "user.reactivated"]));
  });

  it("turns a user's two-factor off, so they sign in with the password alone again", async () => {
    const admin = await makeUser({ role: "admin" });
    const bob = await makeUser();
    await getDb().update(users).set({ totpEnabled: true, totpSecret: "v1.sealed.elsewhere.x" }).where(eq(users.id, bob.user.id));
    expect((await signIn({ email: bob.user.email, password: bob.password, ip: "198.51.100.243" })).error).toBe("totp_required");
    const reset = await call(updateUser, { method: "PATCH", key: admin.key, params: { id: bob.user.id }, body: { resetTwoFactor: true } });
    expect(reset.status).toBe(200);
    expect(reset.body.user.totpEnabled).toBe(false);
    expect((await signIn({ email: bob.user.email, password: bob.password, ip: "198.51.100.244" })).status).toBe(200);
    const [audited] = await getDb().select().from(auditLog).where(and(eq(auditLog.targetId, bob.user.id), eq(auditLog.action, "totp.disabled")));
    expect(audited).toMatchObject({ actorId: admin.user.id, metadata: { by: "admin" } });
  });

  it("does not let an admin turn off their own two-factor here, where neither a session nor a code is needed", async () => {
    const admin = await makeUser({ role: "admin" });
    await getDb().update(users).set({ totpEnabled: true, totpSecret: "v1.sealed.elsewhere.x" }).where(eq(users.id, admin.user.id));
    const reset = await call(updateUser, { method: "PATCH", key: admin.key, params: { id: admin.user.id }, body: { resetTwoFactor: true } });
    expect(reset.status).toBe(403);
    expect(reset.body.detail).toMatch(/Security/);
    const [row] = await getDb().select({ totpEnabled: users.totpEnabled }).from(users).where(eq(users.id, admin.user.id));
    expect(row!.totpEnabled).toBe(true);
  });

  it("validates the change", async () => {
    const admin = await makeUser({ role: "admin" });
    const bob = await makeUser();
    expect((await call(updateUser, { method: "PATCH", key: admin.key, params: { id: bob.user.id }, body: {} })).status).toBe(422);
    expect((await call(updateUser, { method: "PATCH", key: admin.key, params: { id: bob.user.id }, body: { role: "owner" } })).status).toBe(422);
    expect((await call(updateUser, { method: "PATCH", key: admin.key, params: { id: bob.user.id }, body: { resetTwoFactor: false } })).status).toBe(422);
    expect((await call(updateUser, { method: "PATCH", key: admin.key, params: { id: "usr_nobody" }, body: { active: false } })).status).toBe(404);
  });
});

describe("the last admin (on a database of its own)", () => {
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  beforeAll(async () => {
    isolated = await isolatedDatabase();
  });
  afterAll(async () => {
    await isolated.close();
  });

  it("cannot be demoted or deactivated, and two admins demoting each other at once leave one", async () => {
    await usingDatabase(isolated.handle, async () => {
      const db = getDb();
      const first = await setupFirstAdmin(db, { email: "first@example.test", password: "first admin password", name: "First" });
      const firstKey = rememberSecret("api-key", first.key);
      const [firstRow] = await db.select().from(users).where(eq(users.id, first.user.id));

      for (const body of [{ role: "member" }, { active: false }]) {
        const refused = await call(updateUser, { method: "PATCH", key: firstKey, params: { id: first.user.id }, body });
        expect(refused.status).toBe(409);
        expect(refused.body.detail).toMatch(/last active admin/);
      }
      // A deactivated admin does not count as the other admin.
      const dormant = await createUser(db, { email: "dormant@example.test", name: "Dormant", role: "admin" });
      await db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, dormant.id));
      expect((await call(updateUser, { method: "PATCH", key: firstKey, params: { id: first.user.id }, body: { role: "member" } })).status).toBe(409);

      const second = await createUser(db, { email: "second@example.test", name: "Second", role: "admin" });
      const secondKey = rememberSecret("api-key", (await createApiKey(db, second.id, { name: "k", scopes: SCOPES })).key);
      const demoted = await call(updateUser, { method: "PATCH", key: secondKey, params: { id: first.user.id }, body: { role: "member" } });
      expect(demoted.status).toBe(200);
      expect((await call(updateUser, { method: "PATCH", key: secondKey, params: { id: second.id }, body: { active: false } })).status).toBe(409);
      expect((await call(updateUser, { method: "PATCH", key: secondKey, params: { id: first.user.id }, body: { role: "admin" } })).status).toBe(200);

      // Each demotes the other at the same moment, one by key and one by session: exactly one wins.
      const [a, b] = await Promise.all([
        call(updateUser, { method: "PATCH", key: secondKey, params: { id: first.user.id }, body: { role: "member" } }),
        call(updateUser, { method: "PATCH", headers: { cookie: await sessionCookie(firstRow!), origin: "http://hub.test" }, params: { id: second.id }, body: { role: "member" } }),
      ]);
      // The loser gets 409 from the guard, or 403 when it was already demoted by the time it authenticated.
      expect([a.status, b.status]).toContain(200);
      expect([a.status, b.status].filter((status) => status !== 200)).toEqual([expect.toSatisfy((status: number) => status === 403 || status === 409)]);
      const activeAdmins = async () => (await db.select().from(users).where(eq(users.role, "admin"))).filter((row) => !row.deactivatedAt);
      expect(await activeAdmins()).toHaveLength(1);

      // The same race straight at the domain function, both past authentication: the lock lets one through.
      const survivor = (await activeAdmins())[0]!;
      const other = survivor.id === first.user.id ? second.id : first.user.id;
      await updateUserByAdmin(db, survivor.id, other, { role: "admin" });
      const outcomes = await Promise.allSettled([
        updateUserByAdmin(db, survivor.id, other, { active: false }),
        updateUserByAdmin(db, other, survivor.id, { role: "member" }),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
      const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected")!;
      expect(rejected.reason).toMatchObject({ code: "conflict" });
      expect(await activeAdmins()).toHaveLength(1);
    });
  });
});
