import { expect, test } from "@playwright/test";
import { guardPage } from "./helpers";
import { openTasks, seedTask, taskRow } from "./tasks-helpers";

test.beforeEach(({ page }) => guardPage(page));

test("a saved view keeps the search and the filters: saved from the keyboard, applied with a click, deleted", async ({ page }, testInfo) => {
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const urgent = `Renew the certificate ${stamp}`;
  const later = `Tidy the wiki ${stamp}`;
  await seedTask(page, { title: urgent, priority: "high" });
  await seedTask(page, { title: later, priority: "low" });
  const unrelated = `Water the plants ${testInfo.project.name}`;
  await seedTask(page, { title: unrelated });
  await openTasks(page);

  const views = page.getByRole("navigation", { name: "Views" });
  const rows = page.getByRole("list", { name: "Tasks" }).getByRole("listitem");
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(stamp);
  await expect(rows).toHaveCount(2);
  await page.getByRole("combobox", { name: "Priority" }).selectOption("high");
  await expect(taskRow(page, later)).toBeHidden();
  await expect(taskRow(page, urgent)).toBeVisible();

  // The name field submits on Enter; an empty name cannot be saved.
  await views.getByRole("button", { name: "Save view" }).click();
  const dialog = page.getByRole("dialog", { name: "Save view" });
  await expect(dialog.getByRole("button", { name: "Save view" })).toBeDisabled();
  const name = `Urgent ${stamp}`;
  await dialog.getByRole("textbox", { name: "Name" }).fill(name);
  await dialog.getByRole("textbox", { name: "Name" }).press("Enter");
  await expect(dialog).toBeHidden();
  await expect(views.getByRole("button", { name })).toHaveAttribute("aria-current", "page");

  // Back to everything, with the page's own filters cleared: both tasks show.
  await views.getByRole("button", { name: "All", exact: true }).click();
  await page.getByRole("combobox", { name: "Priority" }).selectOption("");
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(stamp);
  await expect(rows).toHaveCount(2);
  await expect(taskRow(page, urgent)).toBeVisible();

  // The view brings its own search and priority back.
  await page.getByRole("searchbox", { name: "Search tasks" }).fill("");
  await expect(taskRow(page, unrelated).first()).toBeVisible(); // first: a retry seeds another
  await views.getByRole("button", { name }).click();
  await expect(rows).toHaveCount(1);
  await expect(taskRow(page, urgent)).toBeVisible();

  // After a reload it is still there, and it can be deleted.
  await openTasks(page);
  await views.getByRole("button", { name }).click();
  await expect(rows).toHaveCount(1);
  await views.getByRole("button", { name: "Delete view" }).click();
  await expect(views.getByRole("button", { name })).toHaveCount(0);
  await expect(views.getByRole("button", { name: "All", exact: true })).toHaveAttribute("aria-current", "page");
});
