import { expect, test, type APIRequestContext } from "@playwright/test";
import { guardPage, inviteMember, memberBrowser, sameOriginHeaders } from "./helpers";
import { registerDevice } from "./inbox-seed";
import { mailTo } from "./server-fixtures";

/**
 * Notifications end to end, between two people on the same hub: the admin
 * (this project's signed-in session) assigns tasks to a member who has the
 * notification centre open in their own browser. Email goes to the SMTP sink
 * that scripts/e2e-server.mjs runs beside the hub. (The webhook page's
 * delivery and redeliver are covered by webhooks-page.spec.ts.)
 */
test.beforeEach(({ page }) => guardPage(page));

async function assignTask(request: APIRequestContext, title: string, assigneeId: string): Promise<string> {
  const res = await request.post("/api/v1/tasks", { data: { title, assigneeId }, headers: await sameOriginHeaders(request) });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

test("an assigned task notifies the assignee live; with email off for that type the next one is in-app only", async ({ request, browser }, testInfo) => {
  test.setTimeout(120_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const email = `assignee-${stamp}@example.test`;
  const password = "assignee password 123";
  const memberId = await inviteMember(request, { email, name: `Nia ${stamp}`, password });
  const member = await memberBrowser(browser, testInfo, email, password);
  const { page } = member;
  try {
    await page.goto("/notifications");
    await expect(page.getByRole("heading", { name: "You are all caught up" })).toBeVisible();
    await expect(page.locator("[data-realtime-status]").first()).toHaveAttribute("data-realtime-status", "connected");
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
    const list = page.getByTestId("notification-list").getByRole("listitem");

    // 1. Assigned: the notification appears without a reload, the badge counts it, and an email goes out.
    const first = `Replace the door sensor ${stamp}`;
    const firstId = await assignTask(request, first, memberId);
    const firstItem = list.filter({ hasText: first });
    await expect(firstItem).toBeVisible();
    await expect(firstItem.getByRole("link", { name: "Task assigned to you" })).toHaveAttribute("href", `/tasks?task=${firstId}`);
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("aria-label", "Notifications, 1 unread");
    expect(navigations).toEqual([]);
    await expect.poll(() => mailTo(testInfo, email).filter((mail) => mail.text.includes(first)).length, { timeout: 15_000 }).toBe(1);
    const [mail] = mailTo(testInfo, email).filter((m) => m.text.includes(first));
    expect(mail!.subject).toBe("Task assigned to you");
    expect(mail!.text).toContain(`/tasks?task=${firstId}`);
    expect(mail!.text).toContain("/api/v1/notifications/unsubscribe?token=");

    // Read it by following its link, which opens the task (an unread one would absorb the next assignment as a burst).
    await firstItem.getByRole("link", { name: "Task assigned to you" }).click();
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(page.getByRole("dialog", { name: "Task details" }).getByLabel("Title")).toHaveValue(first);
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("aria-label", "Notifications");

    // 2. Settings → Notifications: email off for "Task assigned to me"; it sticks.
    await page.goto("/settings/notifications");
    const emailBox = page.getByRole("checkbox", { name: "Task assigned to me: Email" });
    await expect(emailBox).toBeChecked();
    const saved = page.waitForResponse((res) => res.url().endsWith("/api/v1/notifications/preferences") && res.request().method() === "PUT");
    await emailBox.click();
    expect((await saved).status()).toBe(200);
    await expect(emailBox).not.toBeChecked();
    await page.reload();
    await expect(page.getByRole("checkbox", { name: "Task assigned to me: Email" })).not.toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Task assigned to me: In app" })).toBeChecked();
    // The matrix with its SMS column and the room types, light and dark, for review.
    await expect(page.getByRole("checkbox", { name: "Mentioned in an incident room: SMS" })).not.toBeChecked();
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: testInfo.outputPath(`preferences-${colorScheme}.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: null });

    // 3. The next assignment still notifies in the app, live.
    await page.goto("/notifications");
    await expect(page.locator("[data-realtime-status]").first()).toHaveAttribute("data-realtime-status", "connected");
    const second = `Order spare batteries ${stamp}`;
    await assignTask(request, second, memberId);
    await expect(list.filter({ hasText: second })).toBeVisible();
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("aria-label", "Notifications, 1 unread");
    await page.getByRole("button", { name: "Mark all read" }).click();
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("aria-label", "Notifications");

    // 4. Email back on, and a third assignment: its email arriving means any email the second
    // one could have queued (earlier, on the same queue) has gone out too. It never did.
    await page.goto("/settings/notifications");
    const again = page.waitForResponse((res) => res.url().endsWith("/api/v1/notifications/preferences") && res.request().method() === "PUT");
    await page.getByRole("checkbox", { name: "Task assigned to me: Email" }).click();
    expect((await again).status()).toBe(200);
    await expect(page.getByRole("checkbox", { name: "Task assigned to me: Email" })).toBeChecked();
    const third = `Test the siren ${stamp}`;
    await assignTask(request, third, memberId);
    await expect.poll(() => mailTo(testInfo, email).filter((m) => m.text.includes(third)).length, { timeout: 15_000 }).toBe(1);
    expect(mailTo(testInfo, email).filter((m) => m.text.includes(second))).toEqual([]);
    expect(mailTo(testInfo, email).map((m) => m.subject)).toEqual(["Task assigned to you", "Task assigned to you"]);
    await page.goto("/notifications");
    await expect(list.filter({ hasText: third })).toBeVisible();
    await expect(list.filter({ hasText: second })).toBeVisible();
  } finally {
    await member.context.close();
  }
});

test("an email's unsubscribe link asks first, and its button turns that email off", async ({ request, browser }, testInfo) => {
  test.setTimeout(90_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const email = `unsub-${stamp}@example.test`;
  const password = "unsubscriber password 123";
  const memberId = await inviteMember(request, { email, name: `Uma ${stamp}`, password });
  const title = `Check the fire doors ${stamp}`;
  await assignTask(request, title, memberId);
  await expect.poll(() => mailTo(testInfo, email).filter((mail) => mail.text.includes(title)).length, { timeout: 15_000 }).toBe(1);
  // The path of the link (its origin is the hub's configured address).
  const link = mailTo(testInfo, email)
    .find((mail) => mail.text.includes(title))!
    .text.match(/\/api\/v1\/notifications\/unsubscribe\?token=[^\s>]+/)![0];
  const member = await memberBrowser(browser, testInfo, email, password);
  const { page } = member;
  try {
    // Opening the link, as a mail scanner would too, changes nothing yet.
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Stop these emails?" })).toBeVisible();
    await expect(page.getByText("“Task assigned to me”")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("unsubscribe-ask.png") });
    const settings = await member.context.newPage();
    await settings.goto("/settings/notifications");
    await expect(settings.getByRole("checkbox", { name: "Task assigned to me: Email" })).toBeChecked();

    // The button, from the keyboard.
    await page.getByRole("button", { name: "Unsubscribe" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Unsubscribed" })).toBeVisible();
    await settings.reload();
    await expect(settings.getByRole("checkbox", { name: "Task assigned to me: Email" })).not.toBeChecked();
    await expect(settings.getByRole("checkbox", { name: "Task assigned to me: In app" })).toBeChecked();
  } finally {
    await member.context.close();
  }
});

test("the notification centre shows the newest 50 and loads older ones on request, from the keyboard", async ({ request, browser }, testInfo) => {
  test.setTimeout(120_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const email = `pager-${stamp}@example.test`;
  const password = "pager password 123";
  await inviteMember(request, { email, name: `Pia ${stamp}`, password });
  const member = await memberBrowser(browser, testInfo, email, password);
  const { page, context } = member;
  try {
    // 55 high-priority texts from 55 senders: one notification each.
    const device = await registerDevice(context.request, `Pager ${stamp}`);
    const count = 55;
    const messages = Array.from({ length: count }, (_, i) => ({ type: "sms", priority: "high", sender: `+1555020${String(i).padStart(4, "0")}`, body: `Alarm ${i}`, receivedAt: new Date(Date.now() - i * 1000).toISOString() }));
    expect((await context.request.post("/api/v1/messages", { headers: { authorization: `Bearer ${device.key}` }, data: { messages } })).status()).toBe(201);
    await expect.poll(async () => ((await (await context.request.get("/api/v1/notifications?limit=1")).json()) as { unread: number }).unread, { timeout: 30_000 }).toBe(count);

    await page.goto("/notifications");
    const list = page.getByTestId("notification-list").getByRole("listitem");
    await expect(page.getByRole("heading", { name: `${count} unread` })).toBeVisible();
    await expect(list).toHaveCount(50);
    const older = page.getByRole("button", { name: "Show older" });
    await older.focus();
    await page.screenshot({ path: testInfo.outputPath("notifications-show-older.png") });
    await page.keyboard.press("Enter");
    await expect(list).toHaveCount(count);
    await expect(older).toHaveCount(0);
    const titles = await list.getByRole("link").allTextContents();
    expect(new Set(titles).size).toBe(count);

    // Following one (the oldest, from the second page) opens the message and reads the notification.
    const oldest = list.last();
    const link = oldest.getByRole("link");
    const title = (await link.textContent())!;
    await link.click();
    await expect(page).toHaveURL(/\/inbox\?m=msg_/);
    const messageId = new URL(page.url()).searchParams.get("m")!;
    await expect(page.getByTestId("message-detail")).toContainText(title.replace("High-priority sms from ", ""));
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("aria-label", `Notifications, ${count - 1} unread`);
    await page.goBack();
    await expect(page.getByRole("heading", { name: `${count - 1} unread` })).toBeVisible();
    await page.getByRole("button", { name: "Mark all read" }).click();
    await expect(page.getByRole("heading", { name: "0 unread" })).toBeVisible();
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("aria-label", "Notifications");

    // A link in the older form (?message=, in notifications and emails sent before) opens the same drawer.
    await page.goto(`/inbox?message=${messageId}`);
    await expect(page).toHaveURL(new RegExp(`/inbox\\?m=${messageId}$`));
    await expect(page.getByTestId("message-detail")).toContainText(title.replace("High-priority sms from ", ""));
  } finally {
    await context.close();
  }
});
