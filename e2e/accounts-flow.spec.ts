import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { ADMIN, guardPage, isPhone, signInViaPage, signOutViaShell } from "./helpers";

test.beforeEach(({ page }) => guardPage(page));

/** A browser context with no session at all: the person who got the invite link, on their own machine. */
async function freshContext(browser: Browser, testInfo: TestInfo) {
  const { viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL } = testInfo.project.use;
  return browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL, storageState: { cookies: [], origins: [] } });
}

/** Admin → Invites → "Invite user": returns the single-use link the dialog shows once. */
async function inviteViaPage(page: Page, email: string): Promise<string> {
  await page.goto("/admin/invites");
  await page.getByRole("button", { name: "Invite user" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Invite a user" });
  await dialog.getByLabel("Email").fill(email);
  await expect(dialog.getByLabel("Role")).toHaveValue("member");
  await dialog.getByRole("button", { name: "Create invite" }).click();
  const shown = page.getByRole("dialog", { name: "Invite created" });
  const link = await shown.getByLabel(`Invite link for ${email}`).inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await shown.getByRole("button", { name: "Copy" }).click();
  await expect(shown.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("listitem", { name: email }).getByText("pending", { exact: true })).toBeVisible();
  return link;
}

/** Opens an invite link in a new, signed-out browser and creates the account. */
async function acceptInvite(browser: Browser, testInfo: TestInfo, link: string, email: string, password: string) {
  const context = await freshContext(browser, testInfo);
  const page = await context.newPage();
  guardPage(page);
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Join Message Hub" })).toBeVisible();
  await expect(page.getByText("member", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name")).toBeVisible();
  await page.getByLabel("Your name").fill("Mo Member");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
  return { context, page };
}

test("sign out, sign in, and an API key copied, used and revoked", async ({ page, context }, testInfo) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const stamp = `${testInfo.project.name}-${Date.now()}`;

  // Sign out with the shell's control, and back in through the page.
  await page.goto("/inbox");
  await signOutViaShell(page, testInfo);
  await signInViaPage(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/inbox$/);

  // An API key: created, copied, revoked.
  const keyName = `flow-${stamp}`;
  await page.goto("/settings/api-keys");
  await page.getByRole("button", { name: "Create key" }).first().click();
  const create = page.getByRole("dialog", { name: "Create an API key" });
  await create.getByLabel("Name").fill(keyName);
  await create.getByRole("checkbox", { name: "messages:read" }).check();
  await create.getByRole("button", { name: "Create key" }).click();
  const secretDialog = page.getByRole("dialog", { name: "Key created" });
  const secret = await secretDialog.getByLabel(`Secret for “${keyName}”`).inputValue();
  await secretDialog.getByRole("button", { name: "Copy" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await secretDialog.getByRole("button", { name: "Done" }).click();
  expect((await page.request.get("/api/v1/me", { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(200);
  await page.getByRole("listitem", { name: keyName }).getByRole("button", { name: `Revoke ${keyName}` }).click();
  await page.getByRole("dialog", { name: "Revoke this key?" }).getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("listitem", { name: keyName })).toBeHidden();
  expect((await page.request.get("/api/v1/me", { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(401);
});

test("a member invited from the admin area accepts once and cannot open the admin pages", async ({ page, context, browser }, testInfo) => {
  test.setTimeout(180_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const stamp = `${testInfo.project.name}-${Date.now()}`;

  // The admin reaches the admin area from the shell's navigation.
  await page.goto("/inbox");
  if (isPhone(testInfo)) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "More" }).click();
    await page.getByRole("dialog", { name: "More" }).getByRole("link", { name: "Admin" }).click();
  } else {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  }
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("listitem", { name: ADMIN.email })).toBeVisible();

  // Invite a member; they accept in their own browser.
  const email = `member-${stamp}@example.test`;
  const link = await inviteViaPage(page, email);
  const member = await acceptInvite(browser, testInfo, link, email, "member password 123");

  // The link worked once.
  const again = await member.context.browser()!.newContext({ storageState: { cookies: [], origins: [] } });
  const againPage = await again.newPage();
  await againPage.goto(link);
  await expect(againPage.getByRole("heading", { name: "Invite link unavailable" })).toBeVisible();
  await expect(againPage.getByText("already used")).toBeVisible();
  await again.close();

  // A member sees no Admin entry and gets a 404 on every admin page.
  if (isPhone(testInfo)) {
    await member.page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "More" }).click();
    await expect(member.page.getByRole("dialog", { name: "More" }).getByRole("link", { name: "Settings" })).toBeVisible();
    await expect(member.page.getByRole("dialog", { name: "More" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
    await member.page.keyboard.press("Escape");
  } else {
    await expect(member.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toBeVisible();
    await expect(member.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
  }
  // (The document is streamed inside the section's loading boundary, so the
  // HTTP status is already sent; the page is the 404 page and says so.)
  for (const path of ["/admin", "/admin/users", "/admin/invites", "/admin/audit", "/admin/jobs", "/admin/jobs/webhook-deliver"]) {
    await member.page.goto(path);
    await expect(member.page.getByRole("heading", { name: "This page does not exist" }), path).toBeVisible();
    await expect(member.page.getByRole("heading", { level: 1, name: "Admin" })).toHaveCount(0);
  }
  // The admin API refuses the member's session outright.
  expect((await member.page.request.get("/api/v1/admin/users")).status()).toBe(403);
  await member.context.close();

  // The admin sees the new member, and the acceptance in the audit log.
  await page.goto("/admin/users");
  const row = page.getByRole("listitem", { name: email });
  await expect(row.getByText("Mo Member")).toBeVisible();
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("member");
  await page.goto("/admin/invites");
  await expect(page.getByRole("listitem", { name: email }).getByText("accepted", { exact: true })).toBeVisible();
  await page.goto("/admin/audit");
  // By role, which skips hidden elements: right after a load, the streamed page can still hold a hidden server-rendered copy.
  await page.getByRole("combobox", { name: "Action" }).selectOption("invite.accepted");
  await expect(page.getByRole("row").filter({ hasText: email }).first()).toBeVisible();
});

test("admin users: change a role, deactivate (the member's session ends), reactivate; revoke an invite", async ({ page, context, browser }, testInfo) => {
  test.setTimeout(180_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const email = `roles-${stamp}@example.test`;
  const link = await inviteViaPage(page, email);
  const member = await acceptInvite(browser, testInfo, link, email, "member password 456");

  await page.goto("/admin/users");
  await page.getByLabel("Search users").fill(`roles-${stamp}`);
  const row = page.getByRole("listitem", { name: email });
  await expect(row).toBeVisible();
  await expect(page.getByRole("listitem", { name: ADMIN.email })).toBeHidden();

  await row.getByLabel(`Role of ${email}`).selectOption("admin");
  await page.getByRole("dialog", { name: "Change this user's role?" }).getByRole("button", { name: "Change role" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Role changed" })).toBeVisible();
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("admin");
  expect((await member.page.request.get("/api/v1/admin/users")).status()).toBe(200);
  await row.getByLabel(`Role of ${email}`).selectOption("member");
  await page.getByRole("dialog", { name: "Change this user's role?" }).getByRole("button", { name: "Change role" }).click();
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("member");

  await row.getByRole("button", { name: `Deactivate ${email}` }).click();
  const confirm = page.getByRole("dialog", { name: "Deactivate this user?" });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Deactivate" }).click();
  await expect(row.getByText("Deactivated")).toBeVisible();
  expect((await member.page.request.get("/api/v1/me")).status()).toBe(401);
  await member.page.goto("/inbox");
  await expect(member.page).toHaveURL(/\/sign-in/);

  // The status filter finds them; reactivation lets them sign in again.
  await page.getByLabel("Status").selectOption("deactivated");
  await row.getByRole("button", { name: `Reactivate ${email}` }).click();
  await page.getByRole("dialog", { name: "Reactivate this user?" }).getByRole("button", { name: "Reactivate" }).click();
  await expect(row).toBeHidden();
  await signInViaPage(member.page, email, "member password 456");
  await expect(member.page).toHaveURL(/\/inbox$/);
  await member.context.close();

  // A pending invite can be revoked; its link then says so.
  const revokedEmail = `revoked-${stamp}@example.test`;
  const revokedLink = await inviteViaPage(page, revokedEmail);
  await page.getByRole("button", { name: `Revoke invite for ${revokedEmail}` }).click();
  await page.getByRole("dialog", { name: "Revoke this invite?" }).getByRole("button", { name: "Revoke invite" }).click();
  await expect(page.getByRole("listitem", { name: revokedEmail }).getByText("revoked", { exact: true })).toBeVisible();
  const stranger = await freshContext(browser, testInfo);
  const strangerPage = await stranger.newPage();
  await strangerPage.goto(revokedLink);
  await expect(strangerPage.getByRole("heading", { name: "Invite link unavailable" })).toBeVisible();
  await stranger.close();
});

test("security: two-factor enrol with backup codes, codes regenerated, turned off; sign out everywhere", async ({ page, context, browser }, testInfo) => {
  test.setTimeout(180_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  // A member of its own, so "sign out everywhere" does not end the admin session other specs share.
  const email = `security-${testInfo.project.name}-${Date.now()}@example.test`;
  const password = "security password 789";
  const link = await inviteViaPage(page, email);
  const { context: memberContext, page: member } = await acceptInvite(browser, testInfo, link, email, password);
  await memberContext.grantPermissions(["clipboard-read", "clipboard-write"]);

  await member.goto("/settings/security");
  await expect(member.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Security" })).toHaveAttribute("aria-current", "page");
  await member.getByRole("button", { name: "Set up two-factor" }).click();
  const enrol = member.getByRole("dialog", { name: "Set up two-factor sign-in" });
  await expect(enrol.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const totpSecret = await enrol.getByLabel("Or type this key into the app").inputValue();
  const totp = new TOTP({ secret: Secret.fromBase32(totpSecret), digits: 6, period: 30 });
  await enrol.getByLabel("Code from the app").fill(totp.generate().startsWith("0") ? "111111" : "000000");
  await enrol.getByRole("button", { name: "Turn on" }).click();
  await expect(enrol.getByText("The code is not the current code from your authenticator app")).toBeVisible();
  await expect(enrol.getByLabel("Code from the app")).toHaveAttribute("aria-invalid", "true");
  await enrol.getByLabel("Code from the app").fill(totp.generate());
  await enrol.getByRole("button", { name: "Turn on" }).click();

  const codesDialog = member.getByRole("dialog", { name: "Your backup codes" });
  await expect(codesDialog.getByRole("list", { name: "Backup codes" }).getByRole("listitem")).toHaveCount(10);
  const codes = await codesDialog.getByRole("list", { name: "Backup codes" }).getByRole("listitem").allTextContents();
  expect(codes).toHaveLength(10);
  await codesDialog.getByRole("button", { name: "Copy codes" }).click();
  expect(await member.evaluate(() => navigator.clipboard.readText())).toBe(codes.join("\n"));
  const download = member.waitForEvent("download");
  await codesDialog.getByRole("button", { name: "Download" }).click();
  expect((await download).suggestedFilename()).toBe("message-hub-backup-codes.txt");
  await codesDialog.getByRole("button", { name: "I saved them" }).click();
  await expect(member.getByText("On", { exact: true })).toBeVisible();
  await expect(member.getByText("10 of 10 backup codes left.")).toBeVisible();

  // New backup codes replace the old ones.
  await member.getByRole("button", { name: "New backup codes" }).click();
  const regen = member.getByRole("dialog", { name: "Make new backup codes?" });
  await regen.getByLabel("Password", { exact: true }).fill("not my password");
  await regen.getByRole("button", { name: "Make new codes" }).click();
  await expect(regen.getByText(/^The password /)).toBeVisible();
  await expect(regen.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await regen.getByLabel("Password", { exact: true }).fill(password);
  await regen.getByRole("button", { name: "Make new codes" }).click();
  await expect(member.getByRole("dialog", { name: "Your backup codes" }).getByRole("listitem")).toHaveCount(10);
  const fresh = await member.getByRole("dialog", { name: "Your backup codes" }).getByRole("listitem").allTextContents();
  expect(fresh).toHaveLength(10);
  expect(fresh).not.toContain(codes[1]);
  await member.getByRole("button", { name: "I saved them" }).click();
  await expect(member.getByText("10 of 10 backup codes left.")).toBeVisible();

  // Turn it off again.
  await member.getByRole("button", { name: "Turn off two-factor" }).click();
  const off = member.getByRole("dialog", { name: "Turn off two-factor?" });
  await off.getByLabel("Password", { exact: true }).fill(password);
  await off.getByRole("button", { name: "Turn off" }).click();
  await expect(member.getByRole("button", { name: "Set up two-factor" })).toBeVisible();

  // Sign out everywhere ends this browser's session and a second one.
  const other = await freshContext(browser, testInfo);
  const otherPage = await other.newPage();
  await otherPage.goto("/sign-in");
  await signInViaPage(otherPage, email, password);
  await expect(otherPage).toHaveURL(/\/inbox$/);
  await member.getByRole("button", { name: "Sign out everywhere" }).click();
  await member.getByRole("dialog", { name: "Sign out everywhere?" }).getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(member).toHaveURL(/\/sign-in$/);
  expect((await otherPage.request.get("/api/v1/me")).status()).toBe(401);
  await other.close();
  await memberContext.close();
});
