import { expect, test } from "@playwright/test";
import { THEMES, shoot } from "./docs-screenshots";
import { guardPage } from "./helpers";
import { seedAnalytics } from "./analytics-seed";

/**
 * Writes docs/screenshots/analytics-<section>-<size>-<theme>.png: every
 * analytics section and the insights page, light and dark, over the last
 * seven days of seeded data. Runs only with DOCS_SCREENSHOTS=1:
 *   DOCS_SCREENSHOTS=1 npx playwright test e2e/analytics.docs.ts --project=phone-docs --project=desktop-docs
 */
const PAGES = [
  { name: "messages", path: "/analytics", heading: "Messages per day by type" },
  { name: "devices", path: "/analytics/devices", heading: "Online, stale and offline over time" },
  { name: "rooms", path: "/analytics/rooms", heading: "Incidents per week" },
  { name: "tasks", path: "/analytics/tasks", heading: "Created vs completed per week" },
  { name: "users", path: "/analytics/users", heading: "Daily and weekly active users" },
  { name: "system", path: "/analytics/system", heading: "Request rate" },
  { name: "insights", path: "/insights", heading: "My messages per day" },
];

test("screenshots of the analytics pages, light and dark", async ({ page }, testInfo) => {
  test.setTimeout(480_000);
  guardPage(page);
  await seedAnalytics(page.request, "");
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    for (const entry of PAGES) {
      await page.goto(`${entry.path}?from=${from}&to=${to}`);
      await expect(page.getByRole("main").locator("[aria-busy=true]")).toHaveCount(0, { timeout: 45_000 });
      await expect(page.getByRole("heading", { level: 2, name: entry.heading, exact: true })).toBeVisible();
      await shoot(page, `analytics-${entry.name}`, testInfo, theme, { fullPage: true, settleMs: 400 });
    }
  }
});
