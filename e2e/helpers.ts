import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page, type TestInfo } from "@playwright/test";

/*
 * Locating fields: prefer getByRole (it skips hidden elements) to getByLabel
 * for the first interaction after a page load. A section streams in inside
 * its loading boundary, and for a moment after the load event the document
 * can hold a hidden server-rendered copy of it beside the rendered one (a
 * server-made id beside a client-made one); getByLabel then finds both and
 * fails strict mode (seen on /admin/audit and /settings/phone-numbers).
 */

export const ADMIN = { email: "admin@example.test", password: "correct horse battery", name: "Ada Admin" };

/**
 * The tag of a test that runs at the desktop viewport only. Flows a person
 * clicks through run at both; a check that no layout can change (the
 * manifest, the service worker's caching rules, the JS budget, redirects,
 * health endpoints) or that needs a hardware keyboard (shortcuts, the
 * command palette) runs once, at the desktop viewport (playwright.config.ts).
 */
export const DESKTOP_ONLY = "@desktop-only";

export function isPhone(testInfo: TestInfo): boolean {
  return testInfo.project.name.startsWith("phone");
}

/** Signs in through next-auth's credentials endpoint, leaving the session cookie in the context. */
export async function signInViaApi(request: APIRequestContext, email: string, password: string): Promise<void> {
  const csrf = await request.get("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const session = await (await request.get("/api/auth/session")).json();
  expect(session.user?.email).toBe(email);
}

/**
 * Headers for a write made with the session cookie through Playwright's
 * request API. A browser sends Origin on every such request and the hub
 * refuses session writes without a matching one (CSRF); Playwright's request
 * API sends none, so seeding code adds it.
 */
export async function sameOriginHeaders(request: APIRequestContext): Promise<Record<string, string>> {
  const res = await request.get("/api/health");
  return { origin: new URL(res.url()).origin };
}

/** Creates an API key for the signed-in user of this context. */
export async function createKey(request: APIRequestContext, scopes: string[], name = "e2e"): Promise<string> {
  const res = await request.post("/api/v1/api-keys", { data: { name, scopes }, headers: await sameOriginHeaders(request) });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

/** Fails the test on any uncaught page error or dialog (an XSS payload that ran would open one). */
export function guardPage(page: Page): void {
  page.on("pageerror", (error) => {
    throw error;
  });
  page.on("dialog", (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
}

/** Fills the sign-in form and submits it. */
export async function signInViaPage(page: Page, email: string, password: string): Promise<void> {
  // Typing can land before the page has hydrated; fill until the form holds both values.
  const submit = page.getByRole("button", { name: "Sign in", exact: true });
  await expect(async () => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await expect(submit).toBeEnabled({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await submit.click();
}

/** A member created the way an admin adds people: an invite, accepted. Returns their id. */
export async function inviteMember(request: APIRequestContext, member: { email: string; name: string; password: string; timezone?: string }): Promise<string> {
  const headers = await sameOriginHeaders(request);
  const invite = await request.post("/api/v1/admin/invites", { data: { email: member.email, role: "member" }, headers });
  expect(invite.status()).toBe(201);
  const { token } = (await invite.json()) as { token: string };
  const accepted = await request.post(`/api/v1/invites/${token}/accept`, { data: { name: member.name, password: member.password, timezone: member.timezone }, headers });
  expect(accepted.status()).toBe(201);
  return ((await accepted.json()) as { user: { id: string } }).user.id;
}

/**
 * Another person's own browser at this project's size, signed in as them (no
 * session shared with the admin's). `timezoneId` and `locale` set the
 * browser's zone and language.
 */
export async function memberBrowser(
  browser: Browser,
  testInfo: TestInfo,
  email: string,
  password: string,
  options: { timezoneId?: string; locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const { viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL } = testInfo.project.use;
  const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL, storageState: { cookies: [], origins: [] }, ...options });
  const page = await context.newPage();
  guardPage(page);
  await page.goto("/sign-in");
  await signInViaPage(page, email, password);
  await expect(page).toHaveURL(/\/inbox$/);
  return { context, page };
}

/** Signs out with the shell's own control: the account menu on desktop, the More sheet on a phone. */
export async function signOutViaShell(page: Page, testInfo: TestInfo): Promise<void> {
  if (isPhone(testInfo)) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "More" }).click();
    await page.getByRole("dialog", { name: "More" }).getByRole("button", { name: "Sign out" }).click();
  } else {
    await page.getByRole("button", { name: /^Account:/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
  }
  await expect(page).toHaveURL(/\/sign-in$/);
}

/**
 * Waits until the app shell has hydrated: its live connection is up, which
 * only client code can report. Key presses before that reach no handler.
 */
export async function waitForShell(page: Page): Promise<void> {
  await expect(page.locator('[data-realtime-status="connected"]').first()).toBeAttached({ timeout: 15_000 });
}

/** Waits until the page is controlled by the hub's service worker. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener("controllerchange", () => resolve(), { once: true }));
  });
}
