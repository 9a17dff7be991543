import { expect, test } from "@playwright/test";
import { DESKTOP_ONLY, guardPage, inviteMember, memberBrowser, sameOriginHeaders } from "./helpers";
import { postMessages, registerDevice, unique } from "./inbox-seed";

test.beforeEach(({ page }) => guardPage(page));

test("a message posted by a device appears live, and search finds and highlights it", async ({ page, request }, testInfo) => {
  const device = await registerDevice(request, unique(`Live ${testInfo.project.name} `));
  const word = unique("parcel");
  await page.goto("/inbox");
  await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
  // Wait for the live connection, then post: the row must show up without a reload.
  await expect(page.locator("[data-realtime-status]").first()).toHaveAttribute("data-realtime-status", "connected");
  const navigations: string[] = [];
  page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
  await postMessages(request, device, [{ sender: "+1 555 0100", body: `Your ${word} is out for delivery` }]);
  await expect(page.getByRole("button", { name: new RegExp(`Unread\\. \\+1 555 0100: Your ${word}`) })).toBeVisible({ timeout: 2_000 });
  expect(navigations).toEqual([]);

  // Search from the shell's box: the URL carries q, and the match is marked.
  await page.getByRole("searchbox", { name: "Search messages" }).fill(word);
  await page.getByRole("searchbox", { name: "Search messages" }).press("Enter");
  await expect(page).toHaveURL(new RegExp(`/inbox\\?q=${word}$`));
  const row = page.getByRole("list", { name: "Messages" }).getByRole("listitem");
  await expect(row).toHaveCount(1);
  await expect(row.locator("mark")).toHaveText(word);
});

test("filtering by device and unread narrows the list and is kept in the URL", async ({ page, request }, testInfo) => {
  const tag = unique("filt");
  const phoneA = await registerDevice(request, unique(`A ${testInfo.project.name} `));
  const phoneB = await registerDevice(request, unique(`B ${testInfo.project.name} `));
  const [readId] = await postMessages(request, phoneA, [
    { sender: "Bank", body: "A read one", tags: [tag] },
    { sender: "Bank", body: "A unread one", tags: [tag] },
  ]);
  await postMessages(request, phoneB, [{ sender: "Shop", body: "B unread one", tags: [tag] }]);
  expect((await request.put(`/api/v1/messages/${readId}/read`, { headers: await sameOriginHeaders(request) })).status()).toBe(200);

  await page.goto(`/inbox?tag=${tag}`);
  const rows = page.getByRole("list", { name: "Messages" }).getByRole("listitem");
  await expect(rows).toHaveCount(3);

  // Each device's unread count is in the filter.
  await expect(page.getByLabel("Device").locator(`option[value="${phoneA.id}"]`)).toHaveText(/\(1 unread\)$/);
  await expect(page.getByLabel("Device").locator(`option[value="${phoneB.id}"]`)).toHaveText(/\(1 unread\)$/);
  await page.getByLabel("Device").selectOption(phoneA.id);
  await expect(page).toHaveURL(new RegExp(`device=${phoneA.id}`));
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "B unread one" })).toHaveCount(0);

  await page.getByLabel("Read state").selectOption("false");
  await expect(page).toHaveURL(/read=false/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("A unread one");

  // The URL is the bookmark: loading it again gives the same view.
  const url = page.url();
  await page.goto(url);
  await expect(page.getByLabel("Device")).toHaveValue(phoneA.id);
  await expect(page.getByLabel("Read state")).toHaveValue("false");
  await expect(rows).toHaveCount(1);
});

test("a thread opens as its conversation: every message with its thread key, whoever sent it", async ({ page, request }, testInfo) => {
  const thread = unique(`family-${testInfo.project.name}-`);
  const device = await registerDevice(request, unique(`Threads ${testInfo.project.name} `));
  await postMessages(request, device, [
    { sender: "+1 555 0102", body: "Yes, see you there", threadKey: thread },
    { sender: "+1 555 0101", body: "A direct message, not in the group" },
    { sender: "+1 555 0101", body: "Dinner at 7?", threadKey: thread },
  ]);

  await page.goto(`/inbox?device=${device.id}`);
  await page.getByRole("group", { name: "View" }).getByRole("button", { name: "Threads" }).click();
  const threads = page.getByRole("list", { name: "Threads" }).getByRole("listitem");
  await expect(threads).toHaveCount(2);
  await threads.filter({ hasText: thread }).getByRole("button").click();

  await expect(page).toHaveURL(new RegExp(`thread=${thread}`));
  await expect(page.getByText(`Conversation ${thread}`)).toBeVisible();
  const rows = page.getByRole("list", { name: "Messages" }).getByRole("listitem");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Yes, see you there");
  await expect(rows.nth(1)).toContainText("Dinner at 7?");

  // Back returns to the threads, still on this device.
  await page.getByRole("button", { name: "Back to threads" }).click();
  await expect(page.getByRole("list", { name: "Threads" }).getByRole("listitem")).toHaveCount(2);
  expect(new URL(page.url()).searchParams.get("device")).toBe(device.id);
});

test("bulk selection marks three messages read, then two unread in one request", async ({ page, request }, testInfo) => {
  const tag = unique("bulk");
  const device = await registerDevice(request, unique(`Bulk ${testInfo.project.name} `));
  await postMessages(request, device, [1, 2, 3].map((n) => ({ sender: `Sender ${n}`, body: `Bulk message ${n}`, tags: [tag] })));

  await page.goto(`/inbox?tag=${tag}`);
  const rows = page.getByRole("list", { name: "Messages" }).getByRole("listitem");
  await expect(rows).toHaveCount(3);
  for (const n of [1, 2, 3]) await page.getByRole("checkbox", { name: `Select message from Sender ${n}` }).check();
  const toolbar = page.getByRole("toolbar", { name: "Selected messages" });
  await expect(toolbar).toContainText("3 selected");
  await toolbar.getByRole("button", { name: "Mark read", exact: true }).click();
  await expect(toolbar).toBeHidden();
  await expect(page.locator("[data-unread]")).toHaveCount(0);

  const res = await request.get(`/api/v1/messages?tag=${tag}&read=false`);
  expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);

  for (const n of [1, 3]) await page.getByRole("checkbox", { name: `Select message from Sender ${n}` }).check();
  await expect(toolbar).toContainText("2 selected");
  const bulkUnread = page.waitForResponse((response) => response.url().endsWith("/api/v1/messages/unread") && response.request().method() === "POST");
  await toolbar.getByRole("button", { name: "Mark unread", exact: true }).click();
  expect(await (await bulkUnread).json()).toEqual({ updated: 2 });
  await expect(toolbar).toBeHidden();
  await expect(page.locator("[data-unread]")).toHaveCount(2);
  const unread = (await (await request.get(`/api/v1/messages?tag=${tag}&read=false`)).json()) as { data: { sender: string }[] };
  expect(unread.data.map((message) => message.sender).sort()).toEqual(["Sender 1", "Sender 3"]);
});

test("keyboard: j/k move, e marks read, Enter opens the message", { tag: DESKTOP_ONLY }, async ({ page, request }, testInfo) => {
  const tag = unique("keys");
  const device = await registerDevice(request, unique(`Keys ${testInfo.project.name} `));
  const ids = await postMessages(request, device, [
    { sender: "First", body: "newest", tags: [tag] },
    { sender: "Second", body: "middle", tags: [tag] },
    { sender: "Third", body: "oldest", tags: [tag] },
  ]);
  await page.goto(`/inbox?tag=${tag}`);
  await expect(page.getByRole("list", { name: "Messages" }).getByRole("listitem")).toHaveCount(3);
  await page.keyboard.press("j");
  await expect(page.locator(`#message-row-${ids[1]}`)).toBeFocused();
  await page.keyboard.press("k");
  await expect(page.locator(`#message-row-${ids[0]}`)).toBeFocused();
  await page.keyboard.press("j");
  await page.keyboard.press("e");
  await expect.poll(async () => ((await (await request.get(`/api/v1/messages/${ids[1]}`)).json()) as { message: { read: boolean } }).message.read).toBe(true);
  await page.keyboard.press("j");
  await page.keyboard.press("Enter");
  const detail = page.getByRole("dialog", { name: "Third" });
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId("message-body")).toHaveText("oldest");
  await expect(page).toHaveURL(new RegExp(`m=${ids[2]}`));
  await page.keyboard.press("Escape");
  await expect(detail).toBeHidden();
});

test("a message carrying markup renders as text and runs nothing", async ({ page, request }, testInfo) => {
  const tag = unique("xss");
  const device = await registerDevice(request, unique(`Xss ${testInfo.project.name} `));
  const img = "<img src=x onerror=alert(1)>";
  const script = "<script>alert(1)</script>";
  await postMessages(request, device, [
    { sender: img, title: script, body: `${img} ${script}`, tags: [tag] },
    { sender: script, title: img, body: script, tags: [tag] },
  ]);
  await page.goto(`/inbox?tag=${tag}`);
  const rows = page.getByRole("list", { name: "Messages" }).getByRole("listitem");
  await expect(rows).toHaveCount(2);
  await expect(rows.getByTestId("message-sender").filter({ hasText: img })).toHaveCount(1);
  await expect(rows.getByTestId("message-snippet").filter({ hasText: script }).first()).toBeVisible();
  await rows.getByTestId("message-sender").filter({ hasText: img }).click();
  const detail = page.getByRole("dialog");
  await expect(detail.getByTestId("message-body")).toHaveText(`${img} ${script}`);
  // Search highlighting splits text too; it must not turn it into markup.
  await page.goto(`/inbox?tag=${tag}&q=alert`);
  await expect(rows.first().locator("mark").first()).toHaveText("alert");
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => document.querySelectorAll("main script").length)).toBe(0);
});

test("dark mode renders the inbox dark", async ({ page, request }, testInfo) => {
  const device = await registerDevice(request, unique(`Dark ${testInfo.project.name} `));
  const tag = unique("dark");
  await postMessages(request, device, [{ sender: "Night", body: "dark mode row", tags: [tag] }]);
  await page.addInitScript(() => localStorage.setItem("theme", "dark"));
  await page.goto(`/inbox?tag=${tag}`);
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await expect(page.getByRole("list", { name: "Messages" }).getByRole("listitem")).toHaveCount(1);
  const luminance = await page.getByRole("list", { name: "Messages" }).evaluate((el) => {
    // Tailwind's colours are oklch(); a canvas turns any CSS colour into RGB.
    const ctx = document.createElement("canvas").getContext("2d")!;
    let node: Element | null = el;
    while (node) {
      const color = getComputedStyle(node).backgroundColor;
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      if (a! > 128) return (r! + g! + b!) / 3;
      node = node.parentElement;
    }
    return 255;
  });
  expect(luminance).toBeLessThan(60);
});

test("a message's times are shown in the viewer's time zone, and follow it when they change it", async ({ request, browser }, testInfo) => {
  const stamp = unique(testInfo.project.name);
  const email = `zone-${stamp}@example.test`;
  const password = "time zone password 123";
  await inviteMember(request, { email, name: `Zoe ${stamp}`, password, timezone: "Asia/Tokyo" });
  // The browser is in a third zone, so only the viewer's own setting can give these times.
  const { context, page } = await memberBrowser(browser, testInfo, email, password, { timezoneId: "Pacific/Auckland", locale: "en-US" });
  try {
    const device = await registerDevice(context.request, "Zoe's phone");
    // 15:00 UTC: midnight the next day in Tokyo, 7 am the same day in Los Angeles.
    await postMessages(context.request, device, [{ sender: "Night shift", body: "Handover notes", receivedAt: "2026-03-01T10:00:00-05:00" }]);

    await page.goto("/inbox");
    const row = page.getByRole("list", { name: "Messages" }).getByRole("listitem");
    await expect(row).toHaveCount(1);
    await expect(row.locator("time")).toHaveAttribute("title", /^Mar 2, 2026, 12:00\sAM$/);
    await row.getByRole("button", { name: /Night shift: Handover notes/ }).click();
    const detail = page.getByRole("dialog", { name: "Night shift" });
    await expect(detail.getByRole("definition").first()).toHaveText(/^Monday, March 2, 2026( at|,) 12:00:00\sAM GMT\+9$/);

    await page.goto("/settings/profile");
    await page.getByRole("combobox", { name: "Time zone" }).selectOption("America/Los_Angeles");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByText("Profile saved")).toBeVisible();

    await page.goto("/inbox");
    await expect(row.locator("time")).toHaveAttribute("title", /^Mar 1, 2026, 7:00\sAM$/);
    await row.getByRole("button", { name: /Night shift: Handover notes/ }).click();
    await expect(detail.getByRole("definition").first()).toHaveText(/^Sunday, March 1, 2026( at|,) 7:00:00\sAM PST$/);
  } finally {
    await context.close();
  }
});
