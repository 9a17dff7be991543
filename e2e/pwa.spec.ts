import { expect, test, type Page } from "@playwright/test";
import { fullChromium } from "./browsers";
import { DESKTOP_ONLY, guardPage, waitForServiceWorker } from "./helpers";

// The push specs need notifications, which the headless shell does not show.
test.use({ launchOptions: fullChromium });

test.beforeEach(({ page }) => guardPage(page));

function pngSize(body: Buffer): { width: number; height: number } {
  expect(body.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: body.readUInt32BE(16), height: body.readUInt32BE(20) };
}

test("the manifest is valid and installable: name, start URL, standalone, theme colour, real icons incl. maskable", { tag: DESKTOP_ONLY }, async ({ page, request }) => {
  await page.goto("/inbox");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  const res = await request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/application\/manifest\+json/);
  const manifest = await res.json();
  expect(manifest).toMatchObject({ name: "Message Hub", short_name: "Hub", start_url: "/inbox", scope: "/", display: "standalone" });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  const pngs = manifest.icons.filter((icon: { type: string }) => icon.type === "image/png");
  for (const icon of pngs) {
    const file = await request.get(icon.src);
    expect(file.status(), icon.src).toBe(200);
    const { width, height } = pngSize(await file.body());
    expect(`${width}x${height}`).toBe(icon.sizes);
  }
  const sizes = (purpose: string) => pngs.filter((icon: { purpose: string }) => icon.purpose === purpose).map((icon: { sizes: string }) => icon.sizes);
  expect(sizes("any")).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  expect(sizes("maskable")).toContain("512x512");
});

test("the service worker registers, controls the app and never caches the API", { tag: DESKTOP_ONLY }, async ({ page }) => {
  await page.goto("/inbox");
  await waitForServiceWorker(page);
  const registration = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return { scope: reg?.scope, script: reg?.active?.scriptURL };
  });
  expect(registration.scope).toMatch(/\/$/);
  expect(registration.script).toMatch(/\/sw\.js$/);

  // Use the API and load a few pages, then look at every cache the worker keeps.
  await page.evaluate(() => fetch("/api/v1/me").then((r) => r.json()));
  await page.goto("/settings/api-keys");
  await page.goto("/inbox");
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    return urls;
  });
  expect(cached).toContain("/offline.html");
  expect(cached.some((path) => path.startsWith("/_next/static/"))).toBe(true);
  expect(cached.filter((path) => path.startsWith("/api/") || path === "/inbox" || path.startsWith("/settings"))).toEqual([]);
});

async function saveInboxSnapshot(page: Page, messages: unknown[]): Promise<void> {
  await page.evaluate(async (list) => {
    const reg = await navigator.serviceWorker.ready;
    reg.active!.postMessage({ type: "save-offline-data", name: "last-inbox", data: { savedAt: new Date().toISOString(), messages: list } });
    for (let i = 0; i < 50; i++) {
      const hit = await (await caches.open("mh-offline-data")).match("/offline-data/last-inbox");
      if (hit) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the snapshot was not stored");
  }, messages);
}

test("offline, a reload shows the offline shell with the last saved inbox, as text", async ({ page, context }) => {
  // Not /inbox: the live inbox saves its own snapshot as it loads and would replace this one.
  await page.goto("/settings/appearance");
  await waitForServiceWorker(page);
  await saveInboxSnapshot(page, [
    { id: "msg_1", sender: "+1 555 0100", preview: "Your code is 424242", receivedAt: new Date().toISOString(), read: false },
    { id: "msg_2", sender: "<img src=x onerror=alert(1)>", preview: "<script>alert(2)</script>", receivedAt: new Date().toISOString(), read: true },
  ]);

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByText("You are offline.")).toBeVisible();
    const saved = page.getByRole("list", { name: "Saved messages" });
    await expect(saved.getByText("Your code is 424242")).toBeVisible();
    await expect(saved.getByText("+1 555 0100")).toBeVisible();
    // Markup in a message is shown, not run.
    await expect(saved.getByText("<img src=x onerror=alert(1)>")).toBeVisible();
    await expect(saved.getByText("<script>alert(2)</script>")).toBeVisible();
    expect(await page.locator("main img").count()).toBe(0);
  } finally {
    await context.setOffline(false);
  }
  // Back online, the offline page notices the hub answers and goes back to the app by itself.
  await expect(page.getByRole("searchbox", { name: "Search messages" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("You are offline.")).toBeHidden();
});

test("signing out clears the offline inbox", async ({ browser }, testInfo) => {
  const { ADMIN, signInViaPage, signOutViaShell } = await import("./helpers");
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await signInViaPage(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/inbox$/);
  await waitForServiceWorker(page);
  await saveInboxSnapshot(page, [{ id: "msg_9", sender: "Bank", preview: "secret", receivedAt: new Date().toISOString() }]);
  await signOutViaShell(page, testInfo);
  expect(await page.evaluate(async () => (await caches.keys()).includes("mh-offline-data"))).toBe(false);
  await context.close();
});

test("a push delivered to the service worker shows a notification that links into the hub", async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  await context.grantPermissions(["notifications"], { origin: baseURL });
  await page.goto("/inbox");
  await waitForServiceWorker(page);
  const cdp = await context.newCDPSession(page);
  const registrationId = await new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const ours = registrations.find((r: { scopeURL: string; isDeleted: boolean }) => r.scopeURL === `${baseURL}/` && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
    void cdp.send("ServiceWorker.enable");
  });
  const deliver = () =>
    cdp.send("ServiceWorker.deliverPushMessage", {
      origin: baseURL!,
      registrationId,
      data: JSON.stringify({ title: "Bank", body: "Your code is 123456", url: "/inbox?q=bank", tag: "msg_push" }),
    });
  await deliver();
  let deliveredAt = Date.now();
  // Showing the browser's first notification fetches its icon and badge; on
  // a loaded 2-core machine it once had not appeared within the default 10 s.
  // In one CI run of several, none appeared in 30 s (and did on the retry):
  // the push is delivered again after 10 s without one, as a push service
  // retries. It has the same tag, so a second delivery replaces the first.
  await expect
    .poll(
      async () => {
        const shown = await page.evaluate(async () => {
          const reg = await navigator.serviceWorker.ready;
          return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, url: (n.data as { url: string }).url }));
        });
        if (shown.length === 0 && Date.now() - deliveredAt > 10_000) {
          await deliver();
          deliveredAt = Date.now();
        }
        return shown;
      },
      { timeout: 40_000 },
    )
    .toEqual([{ title: "Bank", body: "Your code is 123456", url: "/inbox?q=bank" }]);
});


/**
 * Headless Chromium here has no push service to reach (it would be the
 * browser vendor's), so `subscribe()` is answered in the page with what a
 * push service returns: an https endpoint and the browser's keys. Everything
 * else is real: the permission prompt, the VAPID key the hub hands out, the
 * switch, and the subscription the hub stores and forgets.
 */
test("turning push on stores this browser's subscription; turning it off removes it", async ({ page, context, baseURL }, testInfo) => {
  const endpoint = `https://push.example.com/send/${testInfo.project.name}-${Date.now()}`;
  await context.grantPermissions(["notifications"], { origin: baseURL });
  await page.addInitScript((pushEndpoint) => {
    const bytes = (n: number, first?: number) => {
      const out = crypto.getRandomValues(new Uint8Array(n));
      if (first !== undefined) out[0] = first;
      return btoa(String.fromCharCode(...out)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    };
    let current: PushSubscription | null = null;
    const seen: { applicationServerKey?: number } = {};
    (window as unknown as { __pushOptions: typeof seen }).__pushOptions = seen;
    PushManager.prototype.getSubscription = async () => current;
    PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
      seen.applicationServerKey = (options?.applicationServerKey as Uint8Array | undefined)?.byteLength;
      const keys = { p256dh: bytes(65, 4), auth: bytes(16) };
      current = {
        endpoint: pushEndpoint,
        expirationTime: null,
        options: options as PushSubscriptionOptions,
        getKey: () => null,
        toJSON: () => ({ endpoint: pushEndpoint, expirationTime: null, keys }),
        unsubscribe: async () => ((current = null), true),
      } as unknown as PushSubscription;
      return current;
    };
  }, endpoint);

  // A first visit on which the service worker is registered late: the page
  // looks for it before it exists, and the switch must still come on by itself.
  await page.addInitScript(() => {
    const register = ServiceWorkerContainer.prototype.register;
    ServiceWorkerContainer.prototype.register = function (this: ServiceWorkerContainer, ...args: Parameters<typeof register>) {
      return new Promise<void>((resolve) => setTimeout(resolve, 1_500)).then(() => register.apply(this, args));
    };
  });
  await page.goto("/settings/notifications");
  await waitForServiceWorker(page);
  const toggle = page.getByRole("switch", { name: "Notify this browser" });
  await expect(toggle).toBeEnabled();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect(page.getByText("On. This browser receives your notifications.")).toBeVisible();
  // The page subscribed with the hub's VAPID public key: an uncompressed P-256 point.
  expect(await page.evaluate(() => (window as unknown as { __pushOptions: { applicationServerKey?: number } }).__pushOptions.applicationServerKey)).toBe(65);

  const stored = async () => ((await (await page.request.get("/api/v1/push/subscriptions")).json()) as { data: Array<{ endpoint: string }> }).data.map((s) => s.endpoint);
  expect(await stored()).toContain(endpoint);

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect.poll(stored).not.toContain(endpoint);
});
