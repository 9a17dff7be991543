import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as listInvites, POST as createInvite } from "@/app/api/v1/admin/invites/route";
import { DELETE as revokeInvite } from "@/app/api/v1/admin/invites/[id]/route";
import { GET as showInvite } from "@/app/api/v1/invites/[token]/route";
import { POST as acceptInvite } from "@/app/api/v1/invites/[token]/accept/route";
import { getConfig, parseConfig, setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema/audit";
import { invites, users } from "@/lib/db/schema/users";
import { resetLimiters } from "@/lib/http/rate-limit";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { signIn } from "@/tests/helpers/sign-in";

let ipCounter = 0;
const freshIp = () => `192.0.2.${++ipCounter}`;
let counter = 0;
const freshEmail = () => `invitee-${Date.now().toString(36)}-${++counter}@example.test`;

let baseline: Config;
beforeAll(() => {
  baseline = getConfig();
});
afterEach(() => {
  setConfig(baseline);
  resetLimiters();
});

async function invite(admin: TestUser, body: { email: string; role?: string }) {
  const result = await call(createInvite, { key: admin.key, body });
  expect(result.status).toBe(201);
  return result.body as { invite: { id: string; email: string; role: string; status: string; expiresAt: string }; token: string; url: string };
}

const accept = (token: string, body: unknown, ip = freshIp()) => call(acceptInvite, { params: { token }, body, ip });
const show = (token: string, ip = freshIp()) => call(showInvite, { params: { token }, ip });

describe("invites", () => {
  it("creates a single-use link that expires after INVITE_TTL_HOURS, stores only its hash, and audits", async () => {
    const admin = await makeUser({ role: "admin" });
    const email = freshEmail();
    const before = Date.now();
    const made = await invite(admin, { email: email.toUpperCase(), role: "member" });
    expect(made.invite).toMatchObject({ email, role: "member", status: "pending" });
    expect(made.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.url).toBe(`http://hub.test/invite/${made.token}`);
    const ttl = new Date(made.invite.expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(71.9 * 3600_000);
    expect(ttl).toBeLessThan(72.1 * 3600_000);
    const [row] = await getDb().select().from(invites).where(eq(invites.id, made.invite.id));
    expect(JSON.stringify(row)).not.toContain(made.token);
    const [audit] = await getDb().select().from(auditLog).where(eq(auditLog.targetId, made.invite.id));
    expect(audit).toMatchObject({ action: "invite.created", actorId: admin.user.id, metadata: { email, role: "member" } });
  });

  it("shows the invite, accepts it once, and the new member signs in with the chosen password", async () => {
    const admin = await makeUser({ role: "admin" });
    const email = freshEmail();
    const { token } = await invite(admin, { email });
    const shown = await show(token);
    expect(shown.status).toBe(200);
    expect(shown.body.invite).toMatchObject({ email, role: "member" });

    const accepted = await accept(token, { name: "New Member", password: "a long enough password", timezone: "Asia/Tokyo" });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ email, name: "New Member", role: "member", timezone: "Asia/Tokyo" });

    const again = await accept(token, { name: "Second Try", password: "another long password" });
    expect(again.status).toBe(410);
    expect((await show(token)).status).toBe(410);
    const signedIn = await signIn({ email, password: "a long enough password", ip: freshIp() });
    expect(signedIn.status).toBe(200);
    const actions = (await getDb().select().from(auditLog).where(eq(auditLog.actorId, accepted.body.user.id))).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(["invite.accepted", "user.created"]));
  });

  it("creates one account when two people race on one link", async () => {
    const admin = await makeUser({ role: "admin" });
    const email = freshEmail();
    const { token } = await invite(admin, { email });
    const results = await Promise.all([
      accept(token, { name: "Racer One", password: "a long enough password" }),
      accept(token, { name: "Racer Two", password: "a long enough password" }),
      accept(token, { name: "Racer Three", password: "a long enough password" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 410, 410]);
    expect(await getDb().select().from(users).where(eq(users.email, email))).toHaveLength(1);
  });

  it("gives an admin invite the admin role", async () => {
    const admin = await makeUser({ role: "admin" });
    const { token } = await invite(admin, { email: freshEmail(), role: "admin" });
    const accepted = await accept(token, { name: "Second Admin", password: "a long enough password" });
    expect(accepted.body.user.role).toBe("admin");
  });

  it("refuses an expired link with 410 and creates nothing", async () => {
    const admin = await makeUser({ role: "admin" });
    const email = freshEmail();
    const { token, invite: made } = await invite(admin, { email });
    await getDb().update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.id, made.id));
    expect((await show(token)).status).toBe(410);
    const attempt = await accept(token, { name: "Too Late", password: "a long enough password" });
    expect(attempt.status).toBe(410);
    expect(attempt.body.detail).toMatch(/expired/);
    expect(await getDb().select().from(users).where(eq(users.email, email))).toHaveLength(0);
    const listed = await call(listInvites, { key: admin.key, query: { status: "expired" } });
    expect(listed.body.data.map((i: { id: string }) => i.id)).toContain(made.id);
  });

  it("honours INVITE_TTL_HOURS", async () => {
    setConfig(parseConfig({ NODE_ENV: "test", DATABASE_URL: baseline.DATABASE_URL, AUTH_SECRET: baseline.AUTH_SECRET, INVITE_TTL_HOURS: "2" }));
    const admin = await makeUser({ role: "admin" });
    const before = Date.now();
    const made = await invite(admin, { email: freshEmail() });
    const ttl = new Date(made.invite.expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(1.9 * 3600_000);
    expect(ttl).toBeLessThan(2.1 * 3600_000);
  });

  it("revokes a link (404 afterwards); a new invite for the same email replaces the old link", async () => {
    const admin = await makeUser({ role: "admin" });
    const email = freshEmail();
    const first = await invite(admin, { email });
    const second = await invite(admin, { email });
    expect((await show(first.token)).status).toBe(404);
    expect((await show(second.token)).status).toBe(200);

    const revoked = await call(revokeInvite, { method: "DELETE", key: admin.key, params: { id: second.invite.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.invite.status).toBe("revoked");
    expect((await accept(second.token, { name: "Revoked", password: "a long enough password" })).status).toBe(404);
    expect((await call(revokeInvite, { method: "DELETE", key: admin.key, params: { id: "inv_nothing" } })).status).toBe(404);
  });

  it("cannot revoke an accepted invite, nor invite an existing user", async () => {
    const admin = await makeUser({ role: "admin" });
    const { token, invite: made } = await invite(admin, { email: freshEmail() });
    await accept(token, { name: "Accepted", password: "a long enough password" });
    expect((await call(revokeInvite, { method: "DELETE", key: admin.key, params: { id: made.id } })).status).toBe(409);
    const existing = await makeUser();
    expect((await call(createInvite, { key: admin.key, body: { email: existing.user.email } })).status).toBe(409);
  });

  it("answers unknown and malformed tokens with 404, and validates the form", async () => {
    expect((await show("A".repeat(43))).status).toBe(404);
    expect((await show("short")).status).toBe(404);
    const admin = await makeUser({ role: "admin" });
    const { token } = await invite(admin, { email: freshEmail() });
    const bad = await accept(token, { name: "", password: "short" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.name", "body.password"]);
    expect((await show(token)).status).toBe(200);
  });

  it("lists invites newest first, paginated and filtered by status", async () => {
    const admin = await makeUser({ role: "admin" });
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await invite(admin, { email: freshEmail() }));
    const page1 = await call(listInvites, { key: admin.key, query: { limit: 2, status: "pending" } });
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.hasMore).toBe(true);
    expect(page1.text).not.toContain(made[0]!.token);
    // Other files add invites to the shared database meanwhile; page to the end.
    const ids: string[] = page1.body.data.map((i: { id: string }) => i.id);
    for (let cursor = page1.body.nextCursor; cursor; ) {
      const page = await call(listInvites, { key: admin.key, query: { limit: 2, status: "pending", cursor } });
      expect(page.body.data.every((i: { status: string }) => i.status === "pending")).toBe(true);
      ids.push(...page.body.data.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor;
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (const { invite: one } of made) expect(ids).toContain(one.id);
    expect(ids.indexOf(made[2]!.invite.id)).toBeLessThan(ids.indexOf(made[1]!.invite.id));
    expect((await call(listInvites, { key: admin.key, query: { cursor: "garbage" } })).status).toBe(422);
  });

  it("rate-limits link checks and acceptances per IP", async () => {
    setConfig(parseConfig({ NODE_ENV: "test", DATABASE_URL: baseline.DATABASE_URL, AUTH_SECRET: baseline.AUTH_SECRET, RATE_LIMIT_AUTH_PER_15_MINUTES: "3" }));
    resetLimiters();
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await show("B".repeat(43), ip)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
  });
});
