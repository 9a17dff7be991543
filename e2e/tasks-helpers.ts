import { expect, type Browser, type BrowserContext, type Page, type TestInfo } from "@playwright/test";
import { guardPage, sameOriginHeaders } from "./helpers";

/** A second browser context of the same user: the project's viewport and its saved session. */
export async function secondDevice(browser: Browser, testInfo: TestInfo): Promise<{ context: BrowserContext; page: Page }> {
  const use = testInfo.project.use;
  const context = await browser.newContext({
    baseURL: use.baseURL,
    viewport: use.viewport,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    deviceScaleFactor: use.deviceScaleFactor,
    userAgent: use.userAgent,
    storageState: use.storageState,
    // As in tasks-sync.spec.ts, so that page.route sees this device's requests too.
    serviceWorkers: "block",
  });
  const page = await context.newPage();
  guardPage(page);
  return { context, page };
}

/** Opens /tasks and waits until the live connection is up, so events are not missed. */
export async function openTasks(page: Page, path = "/tasks"): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: "Tasks" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Quick add" })).toBeVisible();
  await expect(page.locator('[data-realtime-status="connected"]').first()).toBeAttached();
}

export function taskRow(page: Page, title: string) {
  return page.getByRole("list", { name: "Tasks" }).getByRole("listitem").filter({ has: page.locator("button", { hasText: title }) });
}

/** Opens a task's drawer from its row (the title button, not the reorder handle). */
export async function openTask(page: Page, title: string): Promise<void> {
  // A toast pauses while the pointer is over it, so one covering the row would never leave: dismiss them.
  for (const dismiss of await page.getByRole("button", { name: "Dismiss" }).all()) await dismiss.click({ timeout: 2_000 }).catch(() => {});
  await taskRow(page, title).locator("button", { hasText: title }).click();
  await expect(page.getByRole("dialog", { name: "Task details" })).toBeVisible();
}

/** Seeds a task through the API with the page's session. */
export async function seedTask(page: Page, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const res = await page.request.post("/api/v1/tasks", { data: body, headers: await sameOriginHeaders(page.request) });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: string; version: number };
}
