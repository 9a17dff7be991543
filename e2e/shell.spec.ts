import { expect, test, type Page } from "@playwright/test";
import { DESKTOP_ONLY, guardPage, isPhone, waitForShell } from "./helpers";

test.beforeEach(({ page }) => guardPage(page));

/** The body background's lightness from 0 (black) to 1 (white), read from a rendered pixel. */
async function bodyLightness(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d")!;
    context.fillStyle = getComputedStyle(document.body).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
    return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
  });
}

test("the app answers and its health endpoints are up", { tag: DESKTOP_ONLY }, async ({ page, request }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page).toHaveTitle(/Inbox · Message Hub/);
  expect((await request.get("/api/health")).status()).toBe(200);
  expect((await request.get("/api/ready")).status()).toBe(200);
});

test("navigates every section from the sidebar on desktop and the bottom bar on a phone", async ({ page }, testInfo) => {
  await page.goto("/inbox");
  const sections = [
    { name: "Rooms", url: /\/rooms$/ },
    { name: "Tasks", url: /\/tasks$/ },
    { name: "Notifications", url: /\/notifications$/ },
    { name: "Inbox", url: /\/inbox$/ },
    { name: "Analytics", url: /\/analytics$/ },
    { name: "Settings", url: /\/settings\/profile$/ },
  ];
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const section of sections) {
    if (isPhone(testInfo) && (section.name === "Analytics" || section.name === "Settings")) {
      // Past the four main sections, a phone goes through More.
      await nav.getByRole("button", { name: "More" }).click();
      await page.getByRole("dialog", { name: "More" }).getByRole("link", { name: section.name }).click();
    } else {
      await nav.getByRole("link", { name: section.name }).click();
    }
    await expect(page).toHaveURL(section.url);
    const heading = section.name === "Settings" ? "Settings" : section.name;
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    if (section.name !== "Analytics" && section.name !== "Settings") await expect(nav.getByRole("link", { name: section.name })).toHaveAttribute("aria-current", "page");
  }
  // Only one of the two navigations is on screen at each size.
  const sidebar = page.locator("aside");
  if (isPhone(testInfo)) await expect(sidebar).toBeHidden();
  else await expect(sidebar).toBeVisible();
});

test("an empty section says what it is for and how to fill it", async ({ page }) => {
  // The inbox specs may have filled this hub's inbox already; a tag nobody uses gives the empty list.
  await page.goto(`/inbox?tag=none-${Date.now()}`);
  await expect(page.getByRole("heading", { name: "No messages match" })).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(page).toHaveURL(/\/inbox$/);
});

test("the theme menu switches to dark, and the choice survives a reload", async ({ page }) => {
  await page.goto("/inbox");
  await page.getByRole("button", { name: /^Theme:/ }).click();
  await page.getByRole("menuitemradio", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  // The page really renders dark, not just the class: the body's pixels are near black.
  expect(await bodyLightness(page)).toBeLessThan(0.1);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  expect(await page.evaluate(() => localStorage.getItem("theme"))).toBe("dark");
  await page.getByRole("button", { name: /^Theme:/ }).click();
  await page.getByRole("menuitemradio", { name: "Light" }).click();
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  expect(await bodyLightness(page)).toBeGreaterThan(0.9);
});

test("the command palette opens with Ctrl+K, filters, and navigates", { tag: DESKTOP_ONLY }, async ({ page }) => {
  await page.goto("/inbox");
  await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
  await waitForShell(page);
  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await expect(palette).toBeVisible();
  const input = palette.getByRole("combobox", { name: "Search commands" });
  await expect(input).toBeFocused();
  await input.fill("tasks");
  await expect(palette.getByRole("option").first()).toHaveText(/Go to Tasks/);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(palette).toBeHidden();

  // Esc closes it and nothing runs.
  await page.keyboard.press("Control+k");
  await expect(palette).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(/\/tasks$/);

  // Arrow keys move through the list; a search term becomes a message search.
  await page.keyboard.press("Control+k");
  await input.fill("invoice 42");
  await page.keyboard.press("End");
  await expect(palette.getByRole("option", { selected: true })).toHaveText(/Search messages for “invoice 42”/);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/inbox\?q=invoice\+42$/);
  await expect(page.getByRole("searchbox", { name: "Search messages" })).toHaveValue("invoice 42");
});

test("keyboard shortcuts: g-then-letter, / to search, ? for help, ignored while typing", { tag: DESKTOP_ONLY }, async ({ page }) => {
  await page.goto("/inbox");
  await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
  await waitForShell(page);
  await page.keyboard.press("g");
  await page.keyboard.press("t");
  await expect(page).toHaveURL(/\/tasks$/);
  // As a person would, wait for the page to show before the next shortcut.
  await expect(page.getByRole("heading", { level: 1, name: "Tasks" })).toBeVisible();
  await page.keyboard.press("g");
  await page.keyboard.press("s");
  await expect(page).toHaveURL(/\/settings\/profile$/);

  await page.keyboard.press("/");
  const search = page.getByRole("searchbox", { name: "Search messages" });
  await expect(search).toBeFocused();
  // Typing "g r" in a field is text, not navigation.
  await page.keyboard.type("g r");
  await expect(search).toHaveValue("g r");
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await page.keyboard.press("Escape");

  await page.keyboard.press("Shift+?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help.getByText("Go to Rooms")).toBeVisible();
  await expect(help.getByText("Open the command palette")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();
});

test("the live connection comes up with the session cookie", { tag: DESKTOP_ONLY }, async ({ page }) => {
  await page.goto("/inbox");
  await expect(page.locator("[data-realtime-status]")).toHaveAttribute("data-realtime-status", "connected", { timeout: 15_000 });
});

test("a member of the public gets sign-in, not the app", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  for (const path of ["/", "/inbox", "/settings/api-keys", "/analytics"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/sign-in$/);
  }
  await context.close();
});

test("losing the network shows it, and the live connection comes back by itself", async ({ page, context }) => {
  await page.goto("/inbox");
  const status = page.locator("[data-realtime-status]");
  await expect(status).toHaveAttribute("data-realtime-status", "connected", { timeout: 15_000 });
  await context.setOffline(true);
  try {
    await expect(status).toHaveAttribute("data-realtime-status", "offline");
    await expect(status).toHaveText("Offline");
  } finally {
    await context.setOffline(false);
  }
  await expect(status).toHaveAttribute("data-realtime-status", "connected", { timeout: 15_000 });
  await expect(status).toHaveText("");
});
