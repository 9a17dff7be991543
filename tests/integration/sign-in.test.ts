import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as setup } from "@/app/api/v1/setup/route";
import { GET as me } from "@/app/api/v1/me/route";
import { getConfig, parseConfig, setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema/audit";
import { resetLimiters } from "@/lib/http/rate-limit";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { readSession, signIn } from "@/tests/helpers/sign-in";

let ipCounter = 0;
/** A fresh client address per test, so per-IP limits of one test do not leak into the next. */
const freshIp = () => `198.51.100.${++ipCounter}`;

let baseline: Config;
beforeAll(() => {
  baseline = getConfig();
});
afterEach(() => {
  setConfig(baseline);
  resetLimiters();
});

/** The test's own limits; afterEach puts the suite's config back. */
function withConfig(overrides: Record<string, string>): void {
  setConfig(parseConfig({ NODE_ENV: "test", DATABASE_URL: baseline.DATABASE_URL, LOG_LEVEL: "debug", AUTH_SECRET: baseline.AUTH_SECRET, ...overrides }));
  resetLimiters();
}

describe("password sign-in over HTTP (POST /api/auth/callback/credentials)", () => {
  it("signs in with the right password and sets a session cookie that the API accepts", async () => {
    const alice = await makeUser();
    const result = await signIn({ email: alice.user.email.toUpperCase(), password: alice.password, ip: freshIp() });
    expect(result.status).toBe(200);
    expect(result.session).toMatch(/^next-auth\.session-token=/);
    const setCookie = result.headers.getSetCookie().find((line) => line.startsWith("next-auth.session-token="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const session = await readSession(result.session!);
    expect(session.user).toMatchObject({ id: alice.user.id, email: alice.user.email, role: "member" });
    const whoami = await call(me, { headers: { cookie: result.session! } });
    expect(whoami.status).toBe(200);
    expect(whoami.body.auth.via).toBe("session");
  });

  it("refuses a wrong password without saying which part was wrong, and audits both outcomes", async () => {
    const alice = await makeUser();
    const wrong = await signIn({ email: alice.user.email, password: "not the password", ip: freshIp() });
    expect(wrong.status).toBe(401);
    expect(wrong.error).toBe("invalid");
    expect(wrong.session).toBeUndefined();
    const unknown = await signIn({ email: "nobody-here@example.test", password: "whatever-password", ip: freshIp() });
    expect(unknown.error).toBe("invalid");
    await signIn({ email: alice.user.email, password: alice.password, ip: freshIp() });

    const rows = await getDb().select().from(auditLog).where(eq(auditLog.targetId, alice.user.id));
    const failed = rows.find((row) => row.action === "auth.sign_in_failed");
    expect(failed).toMatchObject({ actorId: null, ip: expect.stringMatching(/^198\.51\.100\./), userAgent: "vitest sign-in", requestId: expect.any(String) });
    expect(failed!.metadata).toMatchObject({ method: "password", reason: "invalid", email: alice.user.email });
    expect(rows.find((row) => row.action === "auth.sign_in")).toMatchObject({ actorId: alice.user.id, metadata: { method: "password" } });
    const [anonymous] = await getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.sign_in_failed"), eq(auditLog.requestId, unknown.headers.get("x-request-id")!)));
    expect(anonymous).toMatchObject({ actorId: null, targetId: null, metadata: { reason: "invalid", email: "nobody-here@example.test" } });
  });

  it("locks the account after repeated failures: ten wrong passwords end in 429, and the right one waits out the lock", async () => {
    withConfig({ SIGNIN_MAX_FAILURES: "5", SIGNIN_LOCKOUT_SECONDS: "3" });
    const alice = await makeUser();
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const attempt = await signIn({ email: alice.user.email, password: `wrong-password-${i}`, ip });
      statuses.push(attempt.status);
      if (attempt.status === 429) {
        expect(Number(attempt.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(attempt.headers.get("content-type")).toBe("application/problem+json");
      }
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429]);

    // The right password, even from another address, still gets 429 until the lock ends.
    const early = await signIn({ email: alice.user.email, password: alice.password, ip: freshIp() });
    expect(early.status).toBe(429);
    expect(Number(early.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(early.session).toBeUndefined();

    await new Promise((resolve) => setTimeout(resolve, 3200));
    const later = await signIn({ email: alice.user.email, password: alice.password, ip: freshIp() });
    expect(later.status).toBe(200);
    expect(later.session).toBeDefined();
  });

  it("backs off per IP: failures against many accounts from one address lock that address", async () => {
    withConfig({ SIGNIN_MAX_FAILURES: "2", SIGNIN_LOCKOUT_SECONDS: "60", RATE_LIMIT_AUTH_PER_15_MINUTES: "100" });
    const ip = freshIp();
    // The per-IP allowance is four times the per-account one: 8 failures.
    for (let i = 0; i < 8; i++) {
      const attempt = await signIn({ email: `spray-${i}@example.test`, password: "guess-guess-guess", ip });
      expect(attempt.status).toBe(401);
    }
    const alice = await makeUser();
    const blocked = await signIn({ email: alice.user.email, password: alice.password, ip });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBeTruthy();
    const elsewhere = await signIn({ email: alice.user.email, password: alice.password, ip: freshIp() });
    expect(elsewhere.status).toBe(200);
  });

  it("limits sign-in attempts per IP (RATE_LIMIT_AUTH_PER_15_MINUTES), successes included", async () => {
    withConfig({ RATE_LIMIT_AUTH_PER_15_MINUTES: "3" });
    const alice = await makeUser();
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect((await signIn({ email: alice.user.email, password: alice.password, ip })).status).toBe(200);
    const fourth = await signIn({ email: alice.user.email, password: alice.password, ip });
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("limits setup attempts per IP, with Retry-After", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const attempt = await call(setup, { body: { email: `setup-${i}@example.test`, password: "a long enough password", name: "Setup" }, ip });
      statuses.push(attempt.status);
      if (attempt.status === 429) expect(Number(attempt.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Users exist in the shared database, so setup answers 409 until the limit answers 429.
    expect(statuses.slice(0, 10).every((status) => status === 409)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it("refuses a deactivated account even with the right password", async () => {
    const alice = await makeUser();
    const { users } = await import("@/lib/db/schema/users");
    await getDb().update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, alice.user.id));
    const attempt = await signIn({ email: alice.user.email, password: alice.password, ip: freshIp() });
    expect(attempt.status).toBe(401);
    expect(attempt.error).toBe("deactivated");
    expect(attempt.session).toBeUndefined();
    const [audited] = await getDb().select().from(auditLog).where(and(eq(auditLog.action, "auth.sign_in_failed"), eq(auditLog.targetId, alice.user.id)));
    expect(audited!.metadata).toMatchObject({ reason: "deactivated" });
  });
});
