import { expect, test } from "@playwright/test";
import { guardPage, waitForShell } from "./helpers";
import { openTask, openTasks, secondDevice, seedTask, taskRow } from "./tasks-helpers";

// These tests cut connections with page.route. Playwright's routing can miss
// a request that passes through a service worker, and its docs recommend
// blocking workers wherever requests are intercepted. So the app's worker is
// kept out of these tests; pwa.spec.ts tests the worker itself.
test.use({ serviceWorkers: "block" });

test.beforeEach(({ page }) => guardPage(page));

// Two devices of one user: what one does shows up on the other through task:changed.
const LIVE = { timeout: 2_000 };

test("a task created, edited and completed on one device appears on the other within 2 s", async ({ page, browser }, testInfo) => {
  const other = await secondDevice(browser, testInfo);
  const title = `Pay rent ${testInfo.project.name} ${Date.now()}`;
  await openTasks(page);
  await openTasks(other.page);
  // The other device shows every status, so it can see the completion.
  await other.page.getByRole("combobox", { name: "Status" }).selectOption("");

  // Quick add reads the date from the text and shows it before anything is sent.
  await page.getByRole("textbox", { name: "New task" }).fill(`${title} tomorrow 9am`);
  await expect(page.getByTestId("quick-add-preview")).toContainText(`“${title}” · due`);
  await expect(page.getByTestId("quick-add-preview")).toContainText("9:00");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(taskRow(page, title)).toBeVisible();
  await expect(taskRow(other.page, title)).toBeVisible(LIVE);
  await expect(taskRow(other.page, title)).toContainText("9:00");

  // Edit on the first device: title, priority and a Markdown description.
  await openTask(page, title);
  const drawer = page.getByRole("dialog", { name: "Task details" });
  await drawer.getByLabel("Title").fill(`${title} (edited)`);
  await drawer.getByLabel("Priority").selectOption("high");
  await drawer.getByRole("textbox", { name: "Description" }).fill("Pay **before noon**\n\n<img src=x onerror=alert(1)>");
  await drawer.getByRole("button", { name: "Save", exact: true }).click();
  await expect(drawer).toBeHidden();
  const edited = `${title} (edited)`;
  await expect(taskRow(other.page, edited)).toBeVisible(LIVE);
  await expect(taskRow(other.page, edited)).toContainText("high");

  // The description renders as Markdown, with the script stripped (guardPage fails on a dialog).
  await openTask(other.page, edited);
  const otherDrawer = other.page.getByRole("dialog", { name: "Task details" });
  await expect(otherDrawer.getByTestId("task-description").locator("strong")).toHaveText("before noon");
  expect(await otherDrawer.getByTestId("task-description").locator("img").getAttribute("onerror")).toBeNull();
  await otherDrawer.getByRole("button", { name: "Close" }).click();

  // Complete inline on the first device, from the keyboard: on a phone the
  // "saved" toast can sit over the row, and a task another test adds can move
  // the list under a pointer; focus stays on the checkbox it was given.
  const complete = taskRow(page, edited).getByRole("checkbox", { name: `Complete “${edited}”` });
  await complete.focus();
  await complete.press("Space");
  await expect(taskRow(page, edited)).toBeHidden();
  await expect(taskRow(other.page, edited).getByRole("checkbox")).toBeChecked(LIVE);
  await other.context.close();
});

test("a weekly recurring task, once completed, shows its next occurrence and its history", async ({ page }, testInfo) => {
  const title = `Water plants ${testInfo.project.name} ${Date.now()}`;
  await openTasks(page);
  await page.getByRole("textbox", { name: "New task" }).fill(`${title} next monday 8am`);
  await expect(page.getByTestId("quick-add-preview")).toContainText("Mon");
  await page.getByRole("textbox", { name: "New task" }).press("Enter");
  await openTask(page, title);

  const drawer = page.getByRole("dialog", { name: "Task details" });
  await drawer.getByLabel("Repeats").selectOption("weekly");
  await expect(drawer.getByRole("group", { name: "Days of the week" }).getByRole("button", { name: "Mon" })).toHaveAttribute("aria-pressed", "true");
  await expect(drawer.getByText("FREQ=WEEKLY;BYDAY=MO")).toBeVisible();
  // The preview comes from the server: five Mondays, a week apart.
  const dates = drawer.getByRole("list", { name: "Next 5 dates" }).getByRole("listitem");
  await expect(dates).toHaveCount(5);
  for (const text of await dates.allTextContents()) expect(text).toMatch(/^Mon/);
  const [first, second] = await dates.allTextContents();
  await drawer.getByRole("button", { name: "Save", exact: true }).click();
  await expect(drawer).toBeHidden();
  await expect(taskRow(page, title)).toContainText("repeats");
  await expect(taskRow(page, title)).toContainText(first!);

  // Space, not check(): the row may already show the next, unchecked
  // occurrence when Playwright looks. The keyboard, because the saved toast
  // can cover the row on a phone.
  await taskRow(page, title).getByRole("checkbox").focus();
  await page.keyboard.press("Space");
  // The done occurrence leaves the open list; the next one takes its place, a week later.
  await expect(taskRow(page, title)).toHaveCount(1);
  await expect(taskRow(page, title)).toContainText(second!);
  await expect(taskRow(page, title).getByRole("checkbox")).not.toBeChecked();

  await openTask(page, title);
  const history = page.getByRole("dialog", { name: "Task details" }).getByRole("region", { name: "Series history" });
  await expect(history.getByRole("listitem")).toHaveCount(2);
  await expect(history.getByRole("listitem").nth(0)).toContainText("done");
  await expect(history.getByRole("listitem").nth(1)).toContainText("open");
});

test("a stale edit on the second device gets the merge choice", async ({ page, browser }, testInfo) => {
  const title = `Plan trip ${testInfo.project.name} ${Date.now()}`;
  await seedTask(page, { title, priority: "low" });
  const other = await secondDevice(browser, testInfo);
  await openTasks(page);
  await openTasks(other.page);

  // Both devices open the same version.
  await openTask(page, title);
  await openTask(other.page, title);
  const drawerA = page.getByRole("dialog", { name: "Task details" });
  const drawerB = other.page.getByRole("dialog", { name: "Task details" });

  await drawerA.getByLabel("Title").fill(`${title} A`);
  await drawerA.getByRole("button", { name: "Save", exact: true }).click();
  await expect(drawerA).toBeHidden();
  await expect(drawerB.getByText("This task was changed on another device")).toBeVisible(LIVE);

  await drawerB.getByLabel("Title").fill(`${title} B`);
  await drawerB.getByLabel("Priority").selectOption("high");
  await drawerB.getByRole("button", { name: "Save", exact: true }).click();
  const merge = other.page.getByRole("dialog", { name: "This task changed on another device" });
  await expect(merge).toBeVisible();
  await expect(merge.getByRole("row", { name: /Title/ })).toContainText(`${title} B`);
  await expect(merge.getByRole("row", { name: /Title/ })).toContainText(`${title} A`);
  await expect(merge.getByRole("button", { name: "Keep mine" })).toBeVisible();
  await expect(merge.getByRole("button", { name: "Take theirs" })).toBeVisible();

  // Field by field: their title, my priority.
  await merge.getByRole("button", { name: "Review field by field" }).click();
  await merge.getByRole("radio", { name: "Title: keep theirs" }).check();
  await merge.getByRole("button", { name: "Save merged" }).click();
  await expect(merge).toBeHidden();
  await expect(taskRow(page, `${title} A`)).toContainText("high", LIVE);
  await expect(taskRow(other.page, `${title} A`)).toContainText("high");
  await other.context.close();
});

test("drag to reorder by keyboard and by pointer, kept after a reload", async ({ page }, testInfo) => {
  const word = `reorder${testInfo.project.name}${Date.now()}`;
  for (const [index, name] of ["one", "two", "three"].entries()) await seedTask(page, { title: `${word} ${name}`, sortOrder: index + 1 });
  await openTasks(page);
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(word);
  const titles = page.getByRole("list", { name: "Tasks" }).getByRole("listitem");
  const order = async () => (await titles.allTextContents()).map((text) => /\s(one|two|three)\b/.exec(text)?.[1]);
  await expect(titles).toHaveCount(3);
  await expect.poll(order).toEqual(["one", "two", "three"]);

  // Keyboard: focus the handle, arrow up.
  await page.getByRole("button", { name: `Reorder “${word} three”` }).focus();
  await page.keyboard.press("ArrowUp");
  await expect.poll(order).toEqual(["one", "three", "two"]);

  // Pointer: drag "one" below the last row.
  const handle = page.getByRole("button", { name: `Reorder “${word} one”` });
  const from = (await handle.boundingBox())!;
  const last = (await titles.nth(2).boundingBox())!;
  // The list shows the move at once; its save is what the reload must find.
  const saved = page.waitForResponse(
    async (response) => response.request().method() === "PATCH" && response.url().includes("/api/v1/tasks/") && ((await response.json()) as { title?: string }).title === `${word} one`,
  );
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, last.y + last.height - 4, { steps: 8 });
  await page.mouse.up();
  await expect.poll(order).toEqual(["three", "two", "one"]);
  expect((await saved).status()).toBe(200);

  await page.reload();
  // Search only once the page has hydrated, or the typed text never reaches the filter.
  await waitForShell(page);
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(word);
  await expect.poll(order).toEqual(["three", "two", "one"]);
});

test("an edit whose answer was lost is kept once, not offered as a conflict with itself", async ({ page }, testInfo) => {
  const word = `lost${testInfo.project.name}${Date.now()}`;
  for (const [index, name] of ["one", "two"].entries()) await seedTask(page, { title: `${word} ${name}`, sortOrder: index + 1 });
  await openTasks(page);
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(word);
  const titles = page.getByRole("list", { name: "Tasks" }).getByRole("listitem");
  const order = async () => (await titles.allTextContents()).map((text) => /\s(one|two)\b/.exec(text)?.[1]);
  await expect.poll(order).toEqual(["one", "two"]);

  // The hub commits the move, then the connection drops before its answer
  // arrives: to the page that is the same as being offline, so it queues it.
  await page.route("**/api/v1/tasks/*", async (route) => {
    if (route.request().method() !== "PATCH") return route.fallback();
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.getByRole("button", { name: `Reorder “${word} two”` }).focus();
  await page.keyboard.press("ArrowUp");
  await expect(page.getByText("Saved on this device")).toBeVisible();
  await page.unrouteAll();

  // The reload replays the queue: the hub already has the move, so nothing is left to merge.
  await page.reload();
  await waitForShell(page);
  await expect.poll(() => page.evaluate(() => localStorage.getItem("tasks:offline-queue"))).toBe("[]");
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(word);
  await expect.poll(order).toEqual(["two", "one"]);
  await expect(page.getByRole("dialog", { name: "This task changed on another device" })).toHaveCount(0);
});

test("a create whose answer was lost is added once, not twice", async ({ page }, testInfo) => {
  const title = `Lost create ${testInfo.project.name} ${Date.now()}`;
  await openTasks(page);

  // The hub commits the create, then the connection drops before its answer
  // arrives: the page queues the create as if offline.
  await page.route("**/api/v1/tasks", async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.getByRole("textbox", { name: "New task" }).fill(title);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByText("Saved on this device")).toBeVisible();
  await page.unrouteAll();

  // The reload replays the queued create with the same clientId: the hub answers with the task it made.
  const replayed = page.waitForResponse((response) => response.url().endsWith("/api/v1/tasks") && response.request().method() === "POST");
  await page.reload();
  await waitForShell(page);
  expect((await replayed).status()).toBe(200);
  await expect.poll(() => page.evaluate(() => localStorage.getItem("tasks:offline-queue"))).toBe("[]");
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(title);
  await expect(taskRow(page, title)).toHaveCount(1);
  // The hub has it once too, not just this page's list.
  const found = await page.evaluate(async (q) => (await (await fetch(`/api/v1/tasks?q=${encodeURIComponent(q)}`)).json()).data.length, title);
  expect(found).toBe(1);
});

test("a task created while the other device's list is still loading shows up there", async ({ page, browser }, testInfo) => {
  const other = await secondDevice(browser, testInfo);
  const title = `Mid-load ${testInfo.project.name} ${Date.now()}`;
  const frames: string[] = [];
  other.page.on("websocket", (socket) => socket.on("framereceived", ({ payload }) => void frames.push(String(payload))));
  await openTasks(other.page);

  // The other device picks "Any status": its first load of that list reads
  // the hub now, and its answer is held back until the task created below
  // has reached that page as task:changed.
  let created!: () => void;
  const taskExists = new Promise<void>((resolve) => (created = resolve));
  let staleRead!: () => void;
  const readDone = new Promise<void>((resolve) => (staleRead = resolve));
  let held = false;
  await other.page.route("**/api/v1/tasks?*", async (route) => {
    if (held || new URL(route.request().url()).searchParams.has("status")) return route.fallback();
    held = true;
    const stale = await route.fetch();
    staleRead();
    await taskExists;
    // The page may have stopped waiting for this answer; that is the point.
    await route.fulfill({ response: stale }).catch(() => {});
  });
  await other.page.getByRole("combobox", { name: "Status" }).selectOption("");
  await readDone;

  await seedTask(page, { title });
  await expect.poll(() => frames.some((frame) => frame.includes("task:changed") && frame.includes(title)), LIVE).toBe(true);
  created();
  await expect(taskRow(other.page, title)).toBeVisible(LIVE);
  await other.context.close();
});
