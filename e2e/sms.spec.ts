import { randomBytes } from "node:crypto";
import { expect, request as playwrightRequest, test, type APIRequestContext, type TestInfo } from "@playwright/test";
import twilio from "twilio";
import { guardPage, memberBrowser, sameOriginHeaders } from "./helpers";
import { serverFixtures } from "./server-fixtures";

/**
 * The SMS router end to end: a member adds and verifies a phone number
 * (the code read from the console outbox, SMS_PROVIDER=console), a text
 * from that number reaches the hub as Twilio would post it (signed with
 * the twilio package over the e2e server's PUBLIC_URL and test auth token)
 * and appears live in the member's inbox, and the admin's SMS analytics
 * page shows it in its charts.
 */
test.beforeEach(({ page }) => guardPage(page));

const WEBHOOK_PATH = "/api/v1/webhooks/twilio/sms";
const HUB_NUMBER = "+15550009999";

async function inviteMember(request: APIRequestContext, email: string, name: string, password: string): Promise<void> {
  const headers = await sameOriginHeaders(request);
  const invite = await request.post("/api/v1/admin/invites", { data: { email, role: "member" }, headers });
  expect(invite.status()).toBe(201);
  const { token } = (await invite.json()) as { token: string };
  expect((await request.post(`/api/v1/invites/${token}/accept`, { data: { name, password }, headers })).status()).toBe(201);
}

/** A fictional +1 555 number of this run and project, unlikely to meet another run's. */
function uniqueNumber(testInfo: TestInfo): string {
  const project = testInfo.project.name === "phone" ? "1" : "2";
  return `+1555${String(Date.now()).slice(-6)}${project}`;
}

/** The code the console provider "sent" to `number`, from the admin's view of its outbox. */
async function codeFromOutbox(request: APIRequestContext, number: string): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(async () => {
      const res = await request.get("/api/v1/admin/sms-outbox");
      expect(res.status()).toBe(200);
      const { data } = (await res.json()) as { data: Array<{ to: string; body: string }> };
      code = data.find((row) => row.to === number)?.body.match(/\b(\d{6})\b/)?.[1];
      return code ?? null;
    })
    .not.toBeNull();
  return code!;
}

test("add a number, verify it with the texted code, a text from it arrives live, and the admin's SMS analytics chart it", async ({ page, request, browser }, testInfo) => {
  test.setTimeout(120_000);
  const stamp = `${Date.now().toString(36)}${testInfo.project.name[0]}`;
  // One word: the charts' axis labels wrap at spaces (each word its own <tspan>).
  const name = `Sol-${stamp}`;
  const email = `sms-${stamp}@example.test`;
  const password = "sms member password 1";
  const number = uniqueNumber(testInfo);
  await inviteMember(request, email, name, password);
  const member = await memberBrowser(browser, testInfo, email, password);
  const memberPage = member.page;
  try {
    // Settings → Phone numbers: add it; a code is texted (to the console outbox).
    await memberPage.goto("/settings/phone-numbers");
    await expect(memberPage.getByRole("heading", { name: "No phone numbers" })).toBeVisible();
    // By role, which skips hidden elements: right after a load, the streamed page can still hold a hidden server-rendered copy.
    await memberPage.getByRole("textbox", { name: "Add a number" }).fill(`+1 (${number.slice(2, 5)}) ${number.slice(5, 8)}-${number.slice(8)}`);
    await memberPage.getByRole("button", { name: "Send code" }).click();
    const row = memberPage.getByRole("listitem", { name: number });
    await expect(row.getByText("Waiting for code")).toBeVisible();

    const code = await codeFromOutbox(request, number);
    await row.getByLabel(`Code for ${number}`).fill(code);
    await row.getByRole("button", { name: "Verify" }).click();
    await expect(row.getByText("Verified")).toBeVisible();

    // The inbox, live; then Twilio posts a text from the verified number.
    await memberPage.goto("/inbox");
    await expect(memberPage.locator("[data-realtime-status]").first()).toHaveAttribute("data-realtime-status", "connected");
    const navigations: string[] = [];
    memberPage.on("framenavigated", (frame) => frame === memberPage.mainFrame() && navigations.push(frame.url()));

    const { publicUrl, twilioAuthToken } = serverFixtures(testInfo);
    const body = `Gate code changed ${stamp}`;
    const params = { MessageSid: `SM${randomBytes(16).toString("hex")}`, AccountSid: `AC${"0".repeat(32)}`, From: number, To: HUB_NUMBER, Body: body, NumMedia: "0", NumSegments: "1" };
    const signature = twilio.getExpectedTwilioSignature(twilioAuthToken, `${publicUrl}${WEBHOOK_PATH}`, params);
    // As Twilio sends it: a form post with the signature header and no cookies (a context of
    // its own would otherwise inherit the project's signed-in storage state).
    const twilioClient = await playwrightRequest.newContext({ baseURL: testInfo.project.use.baseURL, storageState: { cookies: [], origins: [] } });
    try {
      const forged = await twilioClient.post(WEBHOOK_PATH, { form: { ...params, Body: `${body} (tampered)` }, headers: { "x-twilio-signature": signature } });
      expect(forged.status()).toBe(403);
      const res = await twilioClient.post(WEBHOOK_PATH, { form: params, headers: { "x-twilio-signature": signature } });
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toContain("text/xml");
      expect(await res.text()).toContain("<Response");
    } finally {
      await twilioClient.dispose();
    }
    await expect(memberPage.getByRole("button", { name: `Unread. ${number}: ${body}` })).toBeVisible({ timeout: 10_000 });
    await expect(memberPage.getByRole("button", { name: new RegExp(`tampered`) })).toHaveCount(0);
    expect(navigations).toEqual([]);

    // The admin's SMS analytics: the member in the per-user charts, the number among the top senders.
    await page.goto("/analytics/sms");
    await expect(page.getByRole("heading", { level: 1, name: "SMS analytics" })).toBeVisible();
    await expect(page.getByRole("img", { name: "SMS volume per user" })).toContainText(name);
    await expect(page.getByRole("img", { name: "SMS cost per user" })).toContainText(name);
    await expect(page.getByRole("img", { name: "SMS volume per day" })).toContainText(new Date().toISOString().slice(0, 10));
    // The row is the number, then its count: one routed text.
    await expect(page.getByRole("list", { name: "Top senders" }).getByRole("listitem").filter({ hasText: number })).toHaveText(`${number}1`);
    // The tampered copy was refused and shows among the failures.
    await expect(page.getByRole("list", { name: "SMS failures" }).getByRole("listitem").filter({ hasText: number })).toContainText("invalid signature");
    await expect(page.getByRole("list", { name: "Console outbox" }).getByRole("listitem").filter({ hasText: number })).toContainText(code);
    await page.screenshot({ path: testInfo.outputPath("sms-analytics.png"), fullPage: true });
  } finally {
    await member.context.close();
  }
});
