import { describe, expect, it } from "vitest";
import { SCOPES, type Scope } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { rememberSecret } from "@/tests/helpers/logs";
import { browserHeaders } from "@/tests/helpers/session";
import { RESOURCE_FACTORIES, ROUTE_EXPECTATIONS } from "@/tests/helpers/authz-routes";
import { discoverRoutes, type DiscoveredRoute } from "@/tests/helpers/api-routes";

/**
 * The authorization suite. It discovers every route file under app/api/v1,
 * imports it, and for every exported method proves what
 * tests/helpers/authz-routes.ts says it requires: no credentials get 401, a
 * key without the needed scope (or any key, on session-only routes, or a
 * member, on admin routes) gets 403, and user B asking for user A's
 * resource by id gets 404 (403 on admin routes) with none of A's data.
 * A route without an entry fails the suite.
 */
const routes = await discoverRoutes();
const byKey = new Map(routes.map((route) => [route.key, route]));

let ipCounter = 0;
const freshIp = () => `192.0.2.${(++ipCounter % 250) + 1}`;

function dummyParams(route: DiscoveredRoute, id = "zzz_not_a_real_id"): Record<string, string> {
  // Params other than the resource id get a well-formed stand-in, so validation passes and ownership decides.
  return Object.fromEntries(route.params.map((name) => [name, name === "emoji" ? "👍" : id]));
}

async function keyWith(user: TestUser, scopes: readonly Scope[], deviceId?: string): Promise<string> {
  const { key } = await createApiKey(getDb(), user.user.id, { name: "authz", scopes, ...(deviceId ? { deviceId } : {}) });
  return rememberSecret("api-key", key);
}

function expectRefused(result: { status: number; text: string }, status: 401 | 403 | 404, forbidden: string[] = []): void {
  expect(result.status, result.text).toBe(status);
  for (const value of forbidden) expect(result.text).not.toContain(value);
}

function expectAdmitted(result: { status: number; text: string }): void {
  expect([401, 403], `expected the credentials to be accepted, got ${result.status}: ${result.text}`).not.toContain(result.status);
}

describe("the route list", () => {
  it("finds the API's routes", () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(byKey.has("GET /api/v1/me")).toBe(true);
  });

  it("has an expectation for every route (add one to tests/helpers/authz-routes.ts when you add a route)", () => {
    const missing = routes.filter((route) => !(route.key in ROUTE_EXPECTATIONS)).map((route) => route.key);
    expect(
      missing,
      `These routes have no entry in ROUTE_EXPECTATIONS in tests/helpers/authz-routes.ts. Add one line per route saying who may call it ` +
        `(auth "user" with its scopes, "device", "session", "admin" or "public" with why) and, for routes with an {id}, ` +
        `which RESOURCE_FACTORIES entry makes another user's row:\n  ${missing.join("\n  ")}`,
    ).toEqual([]);
  });

  it("has no expectation for a route that does not exist", () => {
    const stale = Object.keys(ROUTE_EXPECTATIONS).filter((key) => !byKey.has(key));
    expect(stale, `Remove these entries from tests/helpers/authz-routes.ts; no route exports them:\n  ${stale.join("\n  ")}`).toEqual([]);
  });

  it("names a resource factory for every protected route with an {id}", () => {
    const lacking = routes.filter((route) => {
      const expectation = ROUTE_EXPECTATIONS[route.key];
      return expectation && expectation.auth !== "public" && route.params.includes("id") && !("resource" in expectation && expectation.resource);
    });
    expect(lacking.map((route) => route.key), "Give these routes a `resource` in tests/helpers/authz-routes.ts").toEqual([]);
  });
});

const cases = routes.filter((route) => route.key in ROUTE_EXPECTATIONS).map((route) => ({ ...route, expectation: ROUTE_EXPECTATIONS[route.key]! }));
const protectedCases = cases.filter((c) => c.expectation.auth !== "public");
const publicCases = cases.filter((c) => c.expectation.auth === "public");

describe.each(protectedCases)("$key", ({ expectation, ...route }) => {
  const send = (options: Parameters<typeof call>[1] = {}) =>
    call(route.handler, { method: route.method, path: route.path, params: dummyParams(route), ip: freshIp(), ...options });

  it("answers no credentials with 401", async () => {
    expectRefused(await send(), 401);
    expectRefused(await send({ key: `mh_abcdefgh_${"x".repeat(43)}` }), 401);
  });

  if (expectation.auth === "user" || expectation.auth === "device") {
    const needed = expectation.scopes;
    if (needed.length > 0) {
      it(`answers a key without ${needed.join(", ")} with 403`, async () => {
        const user = await makeUser();
        const others = SCOPES.filter((scope) => scope !== "admin" && !needed.includes(scope));
        const deviceId = expectation.auth === "device" ? "dev_authz_test" : undefined;
        expectRefused(await send({ key: await keyWith(user, others.length > 0 ? others : ["messages:read"], deviceId) }), 403);
      });
    } else {
      it("accepts a key with any one scope (the route needs none)", async () => {
        const user = await makeUser();
        expectAdmitted(await send({ key: await keyWith(user, ["tasks:read"]) }));
      });
    }
    if (expectation.auth === "device") {
      it("answers a person's key (not a device's) with 403, even with every scope", async () => {
        const user = await makeUser();
        expectRefused(await send({ key: await keyWith(user, SCOPES.filter((s) => s !== "admin")) }), 403);
      });
    }
  }

  if (expectation.auth === "session") {
    it("answers any API key with 403, even one with every scope, and admits a same-origin session", async () => {
      const admin = await makeUser({ role: "admin" });
      expectRefused(await send({ key: admin.key }), 403);
      const user = await makeUser();
      expectAdmitted(await send({ headers: await browserHeaders(user.user) }));
    });
  }

  if (expectation.auth === "admin") {
    it("answers a member (session or key with every scope) with 403, and an admin's key without the admin scope with 403", async () => {
      const member = await makeUser();
      expectRefused(await send({ key: member.key }), 403);
      expectRefused(await send({ headers: await browserHeaders(member.user) }), 403);
      const admin = await makeUser({ role: "admin" });
      expectRefused(await send({ key: await keyWith(admin, SCOPES.filter((s) => s !== "admin")) }), 403);
      expectAdmitted(await send({ key: admin.key }));
    });
  }

  const resource = "resource" in expectation ? expectation.resource : undefined;
  if (resource) {
    const body = "body" in expectation ? expectation.body : undefined;
    const query = "query" in expectation ? expectation.query : undefined;
    const isAdminRoute = expectation.auth === "admin";
    it(`answers user B asking for user A's ${resource} with ${isAdminRoute ? 403 : 404} and none of A's data`, async () => {
      // On admin routes A is an admin whose row a member must not reach; elsewhere A is a member like B.
      const alice = await makeUser({ role: isAdminRoute ? "admin" : "member", name: "Alice Owner" });
      const owned = await RESOURCE_FACTORIES[resource](alice);
      const bob = await makeUser();
      const credentials = expectation.auth === "session" ? { headers: await browserHeaders(bob.user) } : { key: bob.key };
      const attempt = await call(route.handler, { method: route.method, path: route.path, params: dummyParams(route, owned.id), body, query, ip: freshIp(), ...credentials });
      expectRefused(attempt, isAdminRoute ? 403 : 404, owned.data);
      await owned.unchanged();
    });
  }
});

describe.each(publicCases)("$key", (route) => {
  it("is public: no credentials are needed to get past authentication", async () => {
    const result = await call(route.handler, { method: route.method, path: route.path, params: dummyParams(route), ip: freshIp() });
    expectAdmitted(result);
  });
});
