import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { GET as me } from "@/app/api/v1/me/route";
import { extraSignInProviders, githubProfileWithVerifiedEmails, linkOAuthSignIn } from "@/lib/auth/providers";
import { getConfig, parseConfig, setConfig, type Config } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema/audit";
import { invites, oauthAccounts, users } from "@/lib/db/schema/users";
import { createInvite } from "@/lib/users/invites";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { startFakeOidc, type FakeIdentity } from "@/tests/helpers/fake-oidc";
import { rememberSecret } from "@/tests/helpers/logs";
import { cookieFrom, HUB_ORIGIN } from "@/tests/helpers/session";
import "@/tests/helpers/sign-in";

type Handler = Parameters<typeof call>[0];
const authGet = GET as unknown as Handler;
const authPost = POST as unknown as Handler;

const CLIENT = { id: "hub-test-client", secret: rememberSecret("secret", "hub-test-client-secret-0123456789") };
let idp: Awaited<ReturnType<typeof startFakeOidc>>;
let baseline: Config;
let counter = 0;
const unique = () => `${Date.now().toString(36)}-${++counter}`;

beforeAll(async () => {
  baseline = getConfig();
  idp = await startFakeOidc(CLIENT);
});
afterEach(() => setConfig(baseline));
afterAll(() => idp.close());

function enableOidc(): void {
  setConfig(
    parseConfig({
      NODE_ENV: "test",
      DATABASE_URL: baseline.DATABASE_URL,
      AUTH_SECRET: baseline.AUTH_SECRET,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT.id,
      OIDC_CLIENT_SECRET: CLIENT.secret,
      OIDC_NAME: "Test SSO",
    }),
  );
}

/** The whole browser dance: CSRF token, POST /api/auth/signin/oidc, the provider's redirect, GET /api/auth/callback/oidc. */
async function oidcSignIn(identity: FakeIdentity): Promise<{ location: string; session?: string }> {
  idp.nextIdentity(identity);
  const csrf = await call(authGet, { path: "/api/auth/csrf", params: { nextauth: ["csrf"] } });
  const jar = new Map<string, string>();
  const keep = (headers: Headers) => {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(";");
      const index = pair!.indexOf("=");
      jar.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
  };
  keep(csrf.headers);
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const start = await call(authPost, {
    method: "POST",
    path: "/api/auth/signin/oidc",
    params: { nextauth: ["signin", "oidc"] },
    rawBody: new URLSearchParams({ csrfToken: csrf.body.csrfToken, callbackUrl: `${HUB_ORIGIN}/`, json: "true" }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
  });
  expect(start.status, start.text).toBe(200);
  keep(start.headers);
  const authorize = await fetch(start.body.url, { redirect: "manual" });
  expect(authorize.status).toBe(302);
  const back = new URL(authorize.headers.get("location")!);
  expect(back.pathname).toBe("/api/auth/callback/oidc");
  const done = await call(authGet, { path: back.pathname, query: Object.fromEntries(back.searchParams), params: { nextauth: ["callback", "oidc"] }, headers: { cookie: cookie() } });
  expect(done.status, done.text).toBe(302);
  const session = cookieFrom(done.headers, "next-auth.session-token");
  if (session) rememberSecret("secret", session.split("=")[1]!);
  return { location: done.headers.get("location")!, session };
}

describe("OAuth providers from the environment", () => {
  it("offers none by default, and each provider whose variables are all set", () => {
    expect(extraSignInProviders(parseConfig({}))).toEqual([]);
    const all = parseConfig({
      GITHUB_CLIENT_ID: "gh",
      GITHUB_CLIENT_SECRET: "gh-secret",
      GOOGLE_CLIENT_ID: "g",
      GOOGLE_CLIENT_SECRET: "g-secret",
      OIDC_ISSUER: "https://id.example.com/realms/hub",
      OIDC_CLIENT_ID: "hub",
      OIDC_CLIENT_SECRET: "hub-secret",
      OIDC_NAME: "Company SSO",
    });
    expect(extraSignInProviders(all).map((p) => [p.id, p.name])).toEqual([
      ["github", "GitHub"],
      ["google", "Google"],
      ["oidc", "Company SSO"],
    ]);
  });

  it("lists the enabled providers at /api/auth/providers for the sign-in page", async () => {
    enableOidc();
    const listed = await call(authGet, { path: "/api/auth/providers", params: { nextauth: ["providers"] } });
    expect(Object.keys(listed.body).sort()).toEqual(["credentials", "oidc"]);
    expect(listed.body.oidc).toMatchObject({ name: "Test SSO", signinUrl: `${HUB_ORIGIN}/api/auth/signin/oidc` });
  });
});

describe("OIDC sign-in through next-auth (a fake identity provider)", () => {
  it("links an existing account by verified email, signs in, and later signs in by the link alone", async () => {
    enableOidc();
    const alice = await makeUser();
    const sub = `sub-${unique()}`;
    const first = await oidcSignIn({ sub, email: alice.user.email.toUpperCase(), email_verified: true, name: "Alice via SSO" });
    expect(first.location).toBe(`${HUB_ORIGIN}/`);
    const whoami = await call(me, { headers: { cookie: first.session! } });
    expect(whoami.status).toBe(200);
    expect(whoami.body.user.id).toBe(alice.user.id);
    const [link] = await getDb().select().from(oauthAccounts).where(and(eq(oauthAccounts.provider, "oidc"), eq(oauthAccounts.providerAccountId, sub)));
    expect(link).toMatchObject({ userId: alice.user.id, email: alice.user.email });

    // The provider's email changed; the link still says who this is.
    const again = await oidcSignIn({ sub, email: `renamed-${unique()}@example.test`, email_verified: false, name: "Alice" });
    expect((await call(me, { headers: { cookie: again.session! } })).body.user.id).toBe(alice.user.id);

    const actions = (await getDb().select().from(auditLog).where(eq(auditLog.actorId, alice.user.id))).map((row) => [row.action, row.metadata]);
    expect(actions).toEqual(expect.arrayContaining([["auth.oauth_linked", expect.objectContaining({ provider: "oidc" })], ["auth.sign_in", { method: "oidc" }]]));
  });

  it("refuses an unverified email, even one that matches an account, and links nothing", async () => {
    enableOidc();
    const alice = await makeUser();
    const sub = `sub-${unique()}`;
    const result = await oidcSignIn({ sub, email: alice.user.email, email_verified: false, name: "Mallory" });
    expect(result.location).toBe(`/sign-in?error=oauth_email_unverified`);
    expect(result.session).toBeUndefined();
    expect(await getDb().select().from(oauthAccounts).where(eq(oauthAccounts.providerAccountId, sub))).toHaveLength(0);
  });

  it("creates no account for an unknown email", async () => {
    enableOidc();
    const email = `stranger-${unique()}@example.test`;
    const result = await oidcSignIn({ sub: `sub-${unique()}`, email, email_verified: true, name: "Stranger" });
    expect(result.location).toBe(`/sign-in?error=oauth_no_account`);
    expect(result.session).toBeUndefined();
    expect(await getDb().select().from(users).where(eq(users.email, email))).toHaveLength(0);
  });

  it("creates the account of an invited email, with the invite's role and no password, and spends the invite", async () => {
    enableOidc();
    const admin = await makeUser({ role: "admin" });
    const email = `invited-${unique()}@example.test`;
    const { invite, token } = await createInvite(getDb(), admin.user.id, { email, role: "admin" }, { ttlHours: 1, baseUrl: HUB_ORIGIN });
    rememberSecret("invite-token", token);
    const result = await oidcSignIn({ sub: `sub-${unique()}`, email, email_verified: true, name: "Invited Person" });
    expect(result.session).toBeDefined();
    const whoami = await call(me, { headers: { cookie: result.session! } });
    expect(whoami.body.user).toMatchObject({ email, name: "Invited Person", role: "admin" });
    const [row] = await getDb().select().from(users).where(eq(users.email, email));
    expect(row!.passwordHash).toBeNull();
    const [spent] = await getDb().select().from(invites).where(eq(invites.id, invite.id));
    expect(spent!.acceptedUserId).toBe(row!.id);
  });

  it("refuses a deactivated account and an account with two-factor on", async () => {
    enableOidc();
    const bob = await makeUser();
    await getDb().update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, bob.user.id));
    expect((await oidcSignIn({ sub: `sub-${unique()}`, email: bob.user.email, email_verified: true, name: "Bob" })).location).toBe(`/sign-in?error=oauth_deactivated`);

    const carol = await makeUser();
    await getDb().update(users).set({ totpEnabled: true, totpSecret: "v1.x.y.z" }).where(eq(users.id, carol.user.id));
    const refused = await oidcSignIn({ sub: `sub-${unique()}`, email: carol.user.email, email_verified: true, name: "Carol" });
    expect(refused.location).toBe(`/sign-in?error=oauth_totp_required`);
    expect(refused.session).toBeUndefined();
  });
});

describe("GitHub: only verified emails count", () => {
  it("reads the verified emails from the email list, preferring the primary one", async () => {
    const stub = (async () =>
      new Response(
        JSON.stringify([
          { email: "Unverified@Example.test", primary: false, verified: false },
          { email: "Work@Example.test", primary: false, verified: true },
          { email: "Home@Example.test", primary: true, verified: true },
        ]),
        { headers: { "content-type": "application/json" } },
      )) as typeof fetch;
    const profile = await githubProfileWithVerifiedEmails({ id: 42, login: "octo", email: "unverified@example.test" }, "token", stub);
    expect(profile).toMatchObject({ email: "home@example.test", hub_verified_emails: ["work@example.test", "home@example.test"] });
  });

  it("links by a secondary verified email, and refuses when GitHub vouches for none", async () => {
    const alice = await makeUser();
    const user = { id: "12345", name: "Octo", email: null };
    const linked = await linkOAuthSignIn(getDb(), {
      user,
      account: { provider: "github", providerAccountId: `gh-${unique()}`, type: "oauth" },
      profile: { email: "primary@elsewhere.test", hub_verified_emails: ["primary@elsewhere.test", alice.user.email] } as never,
    });
    expect(linked).toBe(true);
    expect(user.id).toBe(alice.user.id);

    const nobody = { id: "999", name: "Nobody", email: alice.user.email };
    const refused = await linkOAuthSignIn(getDb(), {
      user: nobody,
      account: { provider: "github", providerAccountId: `gh-${unique()}`, type: "oauth" },
      profile: { email: alice.user.email, hub_verified_emails: [] } as never,
    });
    expect(refused).toBe("/sign-in?error=oauth_email_unverified");
    expect(nobody.id).toBe("999");
  });
});
