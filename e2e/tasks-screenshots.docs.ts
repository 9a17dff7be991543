import { expect, test } from "@playwright/test";
import { THEMES, shoot } from "./docs-screenshots";
import { guardPage, sameOriginHeaders } from "./helpers";
import { openTask, openTasks } from "./tasks-helpers";

/**
 * Writes docs/screenshots/tasks-*.png (the list, and the drawer at its
 * recurrence editor) at both sizes, light and dark:
 *   DOCS_SCREENSHOTS=1 npx playwright test --project=phone-docs --project=desktop-docs e2e/tasks-screenshots.docs.ts
 */
function inDays(days: number, hour: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  date.setUTCHours(hour, 0, 0, 0);
  return date.toISOString();
}

test("screenshots of the task list and the drawer's recurrence editor, light and dark", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  guardPage(page);
  const headers = await sameOriginHeaders(page.request);
  for (const [name, color] of [["home", "#16a34a"], ["work", "#2563eb"], ["bills", "#dc2626"]] as const) {
    await page.request.post("/api/v1/tasks/tags", { data: { name, color }, headers });
  }
  const seeds = [
    { title: "Pay rent", dueAt: inDays(1, 9), priority: "high", tags: ["bills"], reminders: [{ offsetMinutes: 60, relativeTo: "due" }], rrule: "FREQ=MONTHLY;BYMONTHDAY=1" },
    { title: "Water the plants", dueAt: inDays(2, 8), tags: ["home"], rrule: "FREQ=WEEKLY", description: "The **fern** needs less than the others." },
    { title: "Send the quarterly report", dueAt: inDays(-1, 16), priority: "high", tags: ["work"] },
    { title: "Book the dentist", dueAt: inDays(5, 0).slice(0, 10), tags: ["home"] },
    { title: "Renew passport", priority: "low" },
  ];
  for (const [index, seed] of seeds.entries()) {
    const res = await page.request.post("/api/v1/tasks", { data: { ...seed, sortOrder: index }, headers });
    expect(res.status()).toBe(201);
  }

  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await openTasks(page);
    await expect(page.getByRole("list", { name: "Tasks" }).getByRole("listitem")).toHaveCount(seeds.length);
    await shoot(page, "tasks-list", testInfo, theme);

    await openTask(page, "Water the plants");
    const drawer = page.getByRole("dialog", { name: "Task details" });
    await expect(drawer.getByRole("list", { name: "Next 5 dates" }).getByRole("listitem")).toHaveCount(5);
    await drawer.getByRole("group", { name: "Repeat" }).scrollIntoViewIfNeeded();
    await drawer.getByLabel("Repeats").scrollIntoViewIfNeeded();
    await shoot(page, "tasks-drawer-recurrence", testInfo, theme);
    await page.keyboard.press("Escape");
  }
});
