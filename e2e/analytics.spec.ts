import { expect, test, type Page } from "@playwright/test";
import { guardPage, sameOriginHeaders } from "./helpers";
import { memberContext, seedAnalytics, type AnalyticsSeed } from "./analytics-seed";

/**
 * Every analytics page renders its charts for seeded data, each chart's CSV
 * downloads, and members get a 404 on the admin pages but see their own
 * insights. Other specs share the admin and the server, so assertions are on
 * this spec's uniquely named rows or on structure, never on global totals.
 */
const SECTIONS: { path: string; tab: string; charts: string[] }[] = [
  { path: "/analytics", tab: "Messages", charts: ["Messages per day by type", "Messages per day by device", "Top senders", "Ingest latency", "Unread backlog", "Most unread"] },
  { path: "/analytics/devices", tab: "Devices", charts: ["Online, stale and offline over time", "Sync lag per device", "Devices"] },
  { path: "/analytics/rooms", tab: "Rooms", charts: ["Incidents per week", "Time to resolve by severity", "Messages per room", "Active participants per week"] },
  { path: "/analytics/tasks", tab: "Tasks", charts: ["Created vs completed per week", "Overdue trend", "On-time rate per assignee", "Completions per assignee"] },
  { path: "/analytics/users", tab: "Users", charts: ["Daily and weekly active users", "Sign-ins per day", "Most active people"] },
  { path: "/analytics/system", tab: "System", charts: ["Request rate", "Socket connections", "Slowest routes (p95)", "Job failures per day", "Routes", "Job queues"] },
];

let seed: AnalyticsSeed;

test.beforeEach(async ({ page }) => {
  test.setTimeout(240_000);
  guardPage(page);
  seed ??= await seedAnalytics(page.request);
});

/** The section's cards, once its report has loaded (slow on a busy machine), and no error state. */
async function expectCharts(page: Page, charts: string[]) {
  await expect(page.getByRole("main").locator("[aria-busy=true]")).toHaveCount(0, { timeout: 45_000 });
  for (const title of charts) await expect(page.getByRole("heading", { level: 2, name: title, exact: true }), title).toBeVisible();
  await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);
}

/** Bars with a height (recharts draws no path for a zero). */
const bars = (page: Page, figure: string) => page.getByRole("figure", { name: figure }).locator("path.recharts-rectangle");

test("each admin section renders its charts, with a CSV per chart", async ({ page }) => {
  for (const section of SECTIONS) {
    await page.goto(section.path);
    await expect(page.getByRole("navigation", { name: "Analytics sections" }).getByRole("link", { name: section.tab, exact: true })).toHaveAttribute("aria-current", "page");
    await expectCharts(page, section.charts);
    const links = page.getByRole("link", { name: /^Download CSV: / });
    expect(await links.count()).toBe(section.charts.length);
    const href = await links.first().getAttribute("href");
    const csv = await page.request.get(href!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    // Wide tables scroll inside their card; the page itself never scrolls sideways (a phone's More sheet would slide off).
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), section.path).toBeLessThanOrEqual(0);
  }
});

test("the seeded data shows up in the charts and their CSVs", async ({ page }) => {
  await page.goto("/analytics");
  await expectCharts(page, ["Messages per day by type"]);
  await expect(bars(page, "Messages per day by type").first()).toBeVisible();
  const byDevice = await (await page.request.get("/api/v1/analytics/messages?format=csv&chart=byDevice")).text();
  expect(byDevice).toContain(`,${seed.device},10`);

  await page.goto("/analytics/devices");
  await expectCharts(page, ["Devices"]);
  const devices = page.getByRole("table", { name: "Devices and their sync lag" });
  const deviceRow = devices.getByRole("row").filter({ hasText: seed.device });
  await expect(deviceRow).toContainText("online");
  // Its ten messages, and when the last of them arrived, by column.
  const headings = await devices.getByRole("columnheader").allTextContents();
  await expect(deviceRow.getByRole("cell").nth(headings.indexOf("Messages"))).toHaveText("10");
  await expect(deviceRow.getByRole("cell").nth(headings.indexOf("Last message"))).not.toHaveText("never");

  const rooms = await (await page.request.get("/api/v1/analytics/rooms")).json();
  const mine = rooms.charts.messagesPerRoom.find((row: any) => row.room === seed.room);
  expect(mine).toMatchObject({ severity: "sev2", status: "resolved", messages: 3, participants: 1 });
  expect(rooms.charts.timeToResolve.find((row: any) => row.severity === "sev2").resolved).toBeGreaterThanOrEqual(1);

  await page.goto("/analytics/tasks");
  await expectCharts(page, ["Completions per assignee"]);
  await expect(page.getByRole("table", { name: "Completions per assignee" }).getByRole("row").filter({ hasText: "Ada Admin" })).toBeVisible();
  await expect(bars(page, "Tasks created and completed per week").first()).toBeVisible();

  // The range picker rewrites the URL, and a range before any data is empty.
  await page.getByRole("button", { name: "7d" }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/);
  await page.goto("/analytics/tasks?from=2020-01-01&to=2020-01-31");
  await expectCharts(page, ["Overdue trend"]);
  await expect(page.getByText("No data in this range.").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Apply" })).toBeDisabled();
});

/** How far each category label of a horizontal bar chart starts inside its chart, in px (negative: cut off). */
async function labelInsets(page: Page, figure: string): Promise<{ text: string; inset: number }[]> {
  const svg = page.getByRole("figure", { name: figure }).locator("svg.recharts-surface").first();
  await expect(svg.locator(".recharts-yAxis-tick-labels text").first()).toBeVisible();
  return svg.evaluate((element) => {
    const left = element.getBoundingClientRect().left;
    return [...element.querySelectorAll(".recharts-yAxis-tick-labels text")].map((text) => ({ text: text.textContent ?? "", inset: text.getBoundingClientRect().left - left }));
  });
}

test("category labels fit inside their charts: senders' phone numbers, and routes", async ({ page, browser }, testInfo) => {
  // A member's own senders, as phones report them: digits draw wider than most letters.
  const member = await memberContext(browser, testInfo, page.request);
  const headers = await sameOriginHeaders(member.context.request);
  const phones = ["+442079460000", "+15550100", "+33142685300"];
  for (const [index, sender] of phones.entries()) {
    for (let i = 0; i <= index; i++) {
      const res = await member.context.request.post("/api/v1/messages", { data: { type: "sms", sender, body: `label ${i}`, receivedAt: new Date().toISOString() }, headers });
      expect(res.status()).toBe(201);
    }
  }
  const memberPage = await member.context.newPage();
  guardPage(memberPage);
  await memberPage.goto("/insights");
  await expectCharts(memberPage, ["My busiest senders"]);
  const senders = await labelInsets(memberPage, "My busiest senders");
  expect(senders.map((label) => label.text).sort()).toEqual([...phones].sort());
  for (const label of senders) expect(label.inset, label.text).toBeGreaterThanOrEqual(0);
  await member.context.close();

  await page.goto("/analytics/system");
  await expectCharts(page, ["Slowest routes (p95)"]);
  const routes = await labelInsets(page, "p95 latency by route");
  expect(routes.length).toBeGreaterThan(0);
  for (const label of routes) expect(label.inset, label.text).toBeGreaterThanOrEqual(0);
});

test("insights show a person their own data; members get a 404 on the admin pages", async ({ page, browser }, testInfo) => {
  await page.goto("/insights");
  await expect(page.getByRole("heading", { level: 1, name: "Insights" })).toBeVisible();
  await expectCharts(page, ["My messages per day", "My busiest senders", "Tasks completed per week"]);

  const member = await memberContext(browser, testInfo, page.request);
  const memberPage = await member.context.newPage();
  guardPage(memberPage);
  for (const section of SECTIONS) {
    await memberPage.goto(section.path);
    await expect(memberPage.getByRole("heading", { name: "This page does not exist" }), section.path).toBeVisible({ timeout: 30_000 });
  }
  expect((await memberPage.request.get("/api/v1/analytics/messages")).status()).toBe(403);
  await memberPage.goto("/insights");
  await expectCharts(memberPage, ["My messages per day", "My busiest senders", "Tasks completed per week"]);
  await expect(memberPage.getByText("No data in this range.").first()).toBeVisible();
  const theirs = await (await memberPage.request.get("/api/v1/analytics/insights")).text();
  for (const sender of seed.senders) expect(theirs).not.toContain(sender);
  await member.context.close();
});
