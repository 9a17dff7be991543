import { expect as baseExpect, test, type Browser, type BrowserContext, type Page, type TestInfo } from "@playwright/test";
import { guardPage, isPhone, sameOriginHeaders, signInViaApi } from "./helpers";

/**
 * Incident rooms in the browser, as two people: the admin who opens the room
 * (its commander) and a member the admin invited, each in their own browser
 * context. Room titles carry a stamp, so other specs on the same hub don't
 * matter.
 */
test.beforeEach(({ page }) => guardPage(page));

// The machine the suite runs on may be shared and busy: live events get more than the default 10 s.
const expect = baseExpect.configure({ timeout: 20_000 });

const PASSWORD = "a long enough password";

/** Invites a member through the admin API and accepts it: returns their email and name. */
async function createMember(page: Page, stamp: string, name: string): Promise<{ email: string; name: string }> {
  const headers = await sameOriginHeaders(page.request);
  const email = `room-${stamp}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const invite = await page.request.post("/api/v1/admin/invites", { data: { email, role: "member" }, headers });
  expect(invite.status()).toBe(201);
  const { token } = (await invite.json()) as { token: string };
  expect((await page.request.post(`/api/v1/invites/${token}/accept`, { data: { name, password: PASSWORD }, headers })).status()).toBe(201);
  return { email, name };
}

/** A second browser, signed in as `email`, with the same device profile as the project. */
async function browserFor(browser: Browser, testInfo: TestInfo, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const { viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL } = testInfo.project.use;
  const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL, storageState: { cookies: [], origins: [] } });
  await signInViaApi(context.request, email, PASSWORD);
  const page = await context.newPage();
  guardPage(page);
  return { context, page };
}

/** The room's side panel: a column on desktop, a sheet on a phone. */
async function details(page: Page, testInfo: TestInfo) {
  if (!isPhone(testInfo)) return page.getByRole("complementary", { name: "Room details" });
  await page.getByRole("button", { name: "People · Timeline" }).click();
  return page.getByRole("dialog", { name: "Room details" });
}

async function closeDetails(page: Page, testInfo: TestInfo) {
  if (isPhone(testInfo)) await page.keyboard.press("Escape");
}

async function createRoomViaApi(page: Page, title: string): Promise<string> {
  const res = await page.request.post("/api/v1/rooms", { data: { title, severity: "sev3" }, headers: await sameOriginHeaders(page.request) });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { room: { id: string } }).room.id;
}

const messages = (page: Page) => page.getByRole("list", { name: "Messages" });

async function send(page: Page, text: string) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
}

test("two people in a room see messages, typing, presence, reactions and the status change live; offline sends arrive once, in order", async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const title = `Checkout errors ${stamp}`;
  const member = await createMember(page, stamp, "Mo Member");

  // The admin opens a room from the list's dialog and lands in it.
  await page.goto("/rooms");
  await page.getByRole("button", { name: "New room" }).click();
  const dialog = page.getByRole("dialog", { name: "New incident room" });
  await dialog.getByRole("button", { name: "Open room" }).click();
  await expect(dialog.getByText("Give the room a title")).toBeVisible();
  await dialog.getByLabel("Title").fill(title);
  await dialog.getByLabel("Severity").selectOption("sev1");
  await dialog.getByLabel("Description").fill("5xx on **checkout** since the 4.12 deploy");
  await dialog.getByRole("button", { name: "Open room" }).click();
  await expect(page).toHaveURL(/\/rooms\/room_/);
  const roomUrl = new URL(page.url()).pathname;
  const roomId = roomUrl.split("/").at(-1)!;
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(messages(page).getByText(`Ada Admin opened the incident "${title}"`)).toBeVisible();

  // The list shows it with its badges.
  await page.goto("/rooms");
  const row = page.getByRole("listitem", { name: title });
  await expect(row.getByText("sev1")).toBeVisible();
  await expect(row.getByText("Investigating")).toBeVisible();
  await row.getByRole("link").click();
  await expect(page).toHaveURL(roomUrl);

  // The commander adds the member by email.
  let panel = await details(page, testInfo);
  await panel.getByLabel("Email").fill(member.email);
  await panel.getByRole("button", { name: "Add member" }).click();
  await expect(panel.getByRole("listitem", { name: /^Mo Member, participant/ })).toBeVisible();
  await closeDetails(page, testInfo);
  await expect(messages(page).getByText("Ada Admin added Mo Member")).toBeVisible();

  // The member opens the room; each sees the other online.
  const mo = await browserFor(browser, testInfo, member.email);
  await mo.page.goto("/rooms");
  await expect(mo.page.getByRole("listitem", { name: title })).toBeVisible();
  await mo.page.goto(roomUrl);
  await expect(mo.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  panel = await details(page, testInfo);
  await expect(panel.getByRole("listitem", { name: "Mo Member, participant, online" })).toBeVisible();
  await closeDetails(page, testInfo);
  const moPanel = await details(mo.page, testInfo);
  await expect(moPanel.getByRole("listitem", { name: "Ada Admin, commander, online" })).toBeVisible();
  await closeDetails(mo.page, testInfo);

  // Typing shows on the other side.
  await page.getByLabel("Message", { exact: true }).pressSequentially("Rolling back", { delay: 30 });
  await expect(mo.page.getByText("Ada Admin is typing…")).toBeVisible();

  // @mention completion from the room's members, then send.
  await page.getByLabel("Message", { exact: true }).pressSequentially(" 4.12, @mo");
  const suggestions = page.getByRole("listbox", { name: "Mention a member" });
  await expect(suggestions.getByRole("option", { name: /Mo Member/ })).toBeVisible();
  await page.getByLabel("Message", { exact: true }).press("Enter");
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue("Rolling back 4.12, @momember ");
  await page.getByLabel("Message", { exact: true }).press("Enter");
  const fromAda = messages(mo.page).getByRole("listitem", { name: "Message from Ada Admin" });
  await expect(fromAda.filter({ hasText: "Rolling back 4.12, @momember" })).toBeVisible();
  await expect(mo.page.getByText("Ada Admin is typing…")).toBeHidden();

  // The member answers; the admin sees it live.
  await send(mo.page, "Error rate **dropping**");
  await expect(messages(page).getByRole("listitem", { name: "Message from Mo Member" }).locator("strong", { hasText: "dropping" })).toBeVisible();

  // The member reacts; the admin sees the count, and adds theirs.
  await fromAda.filter({ hasText: "Rolling back" }).getByRole("button", { name: /^Add a reaction/ }).click();
  await mo.page.getByRole("group", { name: "Pick a reaction" }).getByRole("button", { name: "React with 👍" }).click();
  const adaMessage = messages(page).getByRole("listitem", { name: "Message from Ada Admin" }).filter({ hasText: "Rolling back" });
  await expect(adaMessage.getByRole("button", { name: "👍 1" })).toBeVisible();
  await adaMessage.getByRole("button", { name: "👍 1" }).click();
  await expect(fromAda.filter({ hasText: "Rolling back" }).getByRole("button", { name: "👍 2" })).toBeVisible();

  // The commander changes the status; both see the system message and the badge.
  await page.getByLabel("Status", { exact: true }).selectOption("identified");
  const system = "Ada Admin changed the status from investigating to identified";
  await expect(messages(page).getByText(system)).toBeVisible();
  await expect(messages(mo.page).getByText(system)).toBeVisible();
  await expect(mo.page.locator("header").filter({ hasText: title })).toContainText("Identified");

  // The member loses the network, writes three messages, and comes back.
  await mo.context.setOffline(true);
  await expect(mo.page.getByRole("status", { name: "Room connection" })).toContainText("Reconnecting…");
  const offline = [`offline one ${stamp}`, `offline two ${stamp}`, `offline three ${stamp}`];
  for (const text of offline) await send(mo.page, text);
  await expect(mo.page.getByRole("listitem", { name: "Pending message" })).toHaveCount(3);
  await expect(mo.page.getByRole("listitem", { name: "Pending message" }).first()).toContainText("Waiting for the connection");
  await expect(mo.page.getByRole("status", { name: "Room connection" })).toContainText("3 messages will be sent");
  await expect(messages(page).getByText(offline[0]!)).toHaveCount(0);
  await mo.context.setOffline(false);
  await expect(mo.page.getByRole("listitem", { name: "Pending message" })).toHaveCount(0, { timeout: 20_000 });
  for (const text of offline) await expect(messages(page).getByText(text)).toHaveCount(1);
  const shown = await messages(page).getByRole("listitem", { name: "Message from Mo Member" }).allInnerTexts();
  expect(shown.map((text) => offline.findIndex((o) => text.includes(o))).filter((index) => index >= 0)).toEqual([0, 1, 2]);
  // The hub stored each exactly once, in that order.
  const stored = (await (await page.request.get(`/api/v1/rooms/${roomId}/messages?limit=200`)).json()) as { data: Array<{ seq: number; content: string }> };
  const delivered = stored.data.filter((message) => offline.includes(message.content));
  expect(delivered.map((message) => message.content)).toEqual(offline);
  expect(delivered.map((message) => message.seq)).toEqual([...delivered.map((message) => message.seq)].sort((a, b) => a - b));
  // And the member's own view holds each once too.
  for (const text of offline) await expect(messages(mo.page).getByText(text)).toHaveCount(1);

  // Pictures of the room and the list, light and dark, to look at (kept with the test's output).
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.screenshot({ path: testInfo.outputPath(`room-${theme}.png`) });
    await page.goto("/rooms");
    await expect(page.getByRole("listitem", { name: title })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`rooms-list-${theme}.png`) });
    await page.goto(roomUrl);
    await expect(messages(page).getByText(offline[2]!)).toBeVisible();
  }
  await mo.context.close();
});

test("edit with history, delete with a placeholder, pin to the timeline, search", async ({ page }, testInfo) => {
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const roomId = await createRoomViaApi(page, `Edits ${stamp}`);
  await page.goto(`/rooms/${roomId}`);
  await send(page, `first draft ${stamp}`);
  const mine = messages(page).getByRole("listitem", { name: "Message from Ada Admin" }).filter({ hasText: `draft ${stamp}` });
  await expect(mine).toBeVisible();

  await mine.getByRole("button", { name: "Message actions" }).click();
  await page.getByRole("menuitem", { name: "Edit" }).click();
  const editor = messages(page).getByLabel("Edit message");
  await editor.fill(`final wording ${stamp}`);
  await messages(page).getByRole("button", { name: "Save" }).click();
  const edited = messages(page).getByRole("listitem", { name: "Message from Ada Admin" }).filter({ hasText: `final wording ${stamp}` });
  await edited.getByRole("button", { name: "(edited)" }).click();
  const history = page.getByRole("dialog", { name: "Edit history" });
  await expect(history.getByText(`first draft ${stamp}`)).toBeVisible();
  await page.keyboard.press("Escape");

  await edited.getByRole("button", { name: "Message actions" }).click();
  await page.getByRole("menuitem", { name: "Pin to timeline" }).click();
  await expect(edited.getByText("📌 pinned")).toBeVisible();
  const panel = await details(page, testInfo);
  await panel.getByRole("tab", { name: "Timeline" }).click();
  await expect(panel.getByRole("list", { name: "Timeline" }).getByText(`final wording ${stamp}`)).toBeVisible();
  await panel.getByRole("tab", { name: "Search" }).click();
  await panel.getByLabel("Search this room").fill("wording");
  await panel.getByRole("button", { name: "Search" }).click();
  await expect(panel.getByRole("list", { name: "Search results" }).getByText(`final wording ${stamp}`)).toBeVisible();
  await closeDetails(page, testInfo);

  await edited.getByRole("button", { name: "Message actions" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete this message?" }).getByRole("button", { name: "Delete message" }).click();
  await expect(messages(page).getByText("message deleted", { exact: true })).toBeVisible();
  await expect(messages(page).getByText(`final wording ${stamp}`)).toHaveCount(0);
});

test("an observer reads and reacts but cannot post; an archived room is read-only", async ({ page, browser }, testInfo) => {
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const member = await createMember(page, stamp, "Olive Observer");
  const roomId = await createRoomViaApi(page, `Observed ${stamp}`);
  const headers = await sameOriginHeaders(page.request);
  expect((await page.request.post(`/api/v1/rooms/${roomId}/members`, { data: { email: member.email, role: "observer" }, headers })).status()).toBe(201);
  expect((await page.request.post(`/api/v1/rooms/${roomId}/messages`, { data: { content: `status update ${stamp}` }, headers })).status()).toBe(201);

  const olive = await browserFor(browser, testInfo, member.email);
  await olive.page.goto(`/rooms/${roomId}`);
  await expect(olive.page.getByText(`status update ${stamp}`)).toBeVisible();
  await expect(olive.page.getByLabel("Message", { exact: true })).toBeDisabled();
  await expect(olive.page.getByText("You are an observer: you can read and react, but not post.")).toBeVisible();
  await expect(olive.page.getByLabel("Status", { exact: true })).toHaveCount(0);
  await olive.page.getByRole("button", { name: /^Add a reaction/ }).click();
  await olive.page.getByRole("button", { name: "React with 👀" }).click();
  await expect(olive.page.getByRole("button", { name: "👀 1, you reacted" })).toBeVisible();
  // The socket refuses an observer's post too, not just the page.
  const refused = await olive.page.request.post(`/api/v1/rooms/${roomId}/messages`, { data: { content: "sneaky" }, headers: await sameOriginHeaders(olive.page.request) });
  expect(refused.status()).toBe(403);

  await page.goto(`/rooms/${roomId}`);
  await page.getByRole("button", { name: "Archive room" }).click();
  await expect(page.getByText("This room is archived and read-only.")).toBeVisible();
  await expect(page.getByLabel("Message", { exact: true })).toBeDisabled();
  await expect(olive.page.getByText("Archived", { exact: true })).toBeVisible();
  await page.goto("/rooms");
  await page.getByRole("button", { name: "Archived", exact: true }).click();
  await expect(page.getByRole("listitem", { name: `Observed ${stamp}` })).toBeVisible();
  await olive.context.close();
});

test("XSS payloads in messages render inert", async ({ page }, testInfo) => {
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const roomId = await createRoomViaApi(page, `XSS ${stamp}`);
  const headers = await sameOriginHeaders(page.request);
  const payloads = [
    `<img src=x onerror="window.__xss = 1; alert('img')"> img ${stamp}`,
    `[click me ${stamp}](javascript:alert('link'))`,
    `<a href="javascript:alert('a')">raw link ${stamp}</a>`,
    `<script>window.__xss = 2; alert('script')</script> script ${stamp}`,
    `<svg onload="alert('svg')"></svg><iframe src="javascript:alert('frame')"></iframe> svg ${stamp}`,
  ];
  for (const content of payloads) expect((await page.request.post(`/api/v1/rooms/${roomId}/messages`, { data: { content }, headers })).status()).toBe(201);

  await page.goto(`/rooms/${roomId}`);
  const list = messages(page);
  await expect(list.getByText(`svg ${stamp}`)).toBeVisible();
  await expect(list.getByText(`img ${stamp}`)).toBeVisible();
  await expect(list.locator("script, iframe, svg[onload], [onerror], [onload]")).toHaveCount(0);
  await expect(list.locator('a[href^="javascript:" i]')).toHaveCount(0);
  // Clicking what is left of the links does nothing (guardPage fails the test on any dialog).
  await list.getByText(`click me ${stamp}`).click();
  await list.getByText(`raw link ${stamp}`).click();
  // The same payload typed into the composer's preview is just as inert.
  await page.getByLabel("Message", { exact: true }).fill(`${payloads[0]} ${payloads[1]}`);
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.getByText(`click me ${stamp}`)).toBeVisible();
  await expect(preview.locator("[onerror], script, a[href^='javascript:' i]")).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
});

test("a mention's notification opens the room at that message, loading earlier pages when newer ones came after it", async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const member = await createMember(page, stamp, "Lin Liu");
  const title = `Queue backlog ${stamp}`;
  const roomId = await createRoomViaApi(page, title);
  const headers = await sameOriginHeaders(page.request);
  const added = await page.request.post(`/api/v1/rooms/${roomId}/members`, { data: { email: member.email }, headers });
  expect(added.status()).toBe(201);
  const { handle } = ((await added.json()) as { member: { handle: string } }).member;
  const post = async (content: string) => {
    // Ten messages a second per person: wait out a 429 and send again.
    for (let attempt = 0; attempt < 10; attempt++) {
      const res = await page.request.post(`/api/v1/rooms/${roomId}/messages`, { data: { content }, headers });
      if (res.status() !== 429) return expect(res.status()).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    throw new Error("still rate-limited after ten tries");
  };
  await post(`@${handle} can you check the consumer lag?`);
  // Sixty more: the mention is no longer among the latest 50 the room shows first.
  for (let i = 0; i < 60; i++) await post(`lag update ${i}`);

  const lin = await browserFor(browser, testInfo, member.email);
  try {
    await expect
      .poll(async () => ((await (await lin.context.request.get("/api/v1/notifications")).json()) as { data: { type: string }[] }).data.some((n) => n.type === "room.mention"), { timeout: 30_000 })
      .toBe(true);
    await lin.page.goto("/notifications");
    await lin.page.getByRole("link", { name: `Ada Admin mentioned you in ${title}` }).click();
    await expect(lin.page).toHaveURL(new RegExp(`/rooms/${roomId}\\?message=`));
    const mention = messages(lin.page).getByRole("listitem", { name: "Message from Ada Admin" }).filter({ hasText: "can you check the consumer lag?" });
    await expect(mention).toHaveAttribute("aria-current", "true");
    await expect(mention).toBeInViewport();
    await expect(messages(lin.page).locator('[aria-current="true"]')).toHaveCount(1);
    await lin.page.screenshot({ path: testInfo.outputPath("room-mention-jump.png") });
  } finally {
    await lin.context.close();
  }
});
