import { mkdirSync } from "node:fs";
import { expect, test as setup } from "@playwright/test";
import { ADMIN, guardPage, sameOriginHeaders, signInViaPage, signOutViaShell } from "./helpers";

/**
 * Runs once per viewport before the specs, on a fresh hub, the way a person
 * meets it: every page sends them to first-run setup; they create the admin
 * there, see the setup API key once, land in the inbox, sign out from the
 * shell, and sign in again through the sign-in page. The session is saved
 * for the specs.
 */
setup("first run: set up the admin on /setup, sign out, sign in on /sign-in", async ({ page }, testInfo) => {
  guardPage(page);
  await page.goto("/settings/api-keys");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up your hub" })).toBeVisible();

  // The form explains what is wrong before anything is sent.
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByText("Enter your name")).toBeVisible();

  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin account" }).click();

  // The all-scopes key that setup makes is shown once, then the inbox.
  await expect(page.getByLabel(/API key “Setup key”/)).toHaveValue(/^mh_[0-9a-z]{8}_/);
  await page.getByRole("button", { name: "Continue to your inbox" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();

  // Setup is over: the page is gone and the API refuses a second admin.
  // (The browser context now holds the session cookie, so the write needs the Origin a browser would send.)
  expect((await page.request.post("/api/v1/setup", { data: { ...ADMIN, email: "second@example.test" }, headers: await sameOriginHeaders(page.request) })).status()).toBe(409);

  await signOutViaShell(page, testInfo);
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/inbox");
  await expect(page).toHaveURL(/\/sign-in$/);

  await signInViaPage(page, ADMIN.email, "not the password");
  await expect(page.getByRole("alert").filter({ hasText: "do not match an account" })).toBeVisible();
  await signInViaPage(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();

  const project = testInfo.project.name.replace(/-setup$/, "");
  mkdirSync("test-results/.auth", { recursive: true });
  await page.context().storageState({ path: `test-results/.auth/${project}.json` });
});
