import { expect, test } from "@playwright/test";
import { ADMIN, DESKTOP_ONLY, guardPage, signInViaPage } from "./helpers";

test.use({ storageState: { cookies: [], origins: [] } });
test.beforeEach(({ page }) => guardPage(page));

test("repeated wrong passwords lock the account and the page shows how long to wait", async ({ page }, testInfo) => {
  // Six real password checks (scrypt) in a row: give a busy machine room.
  test.setTimeout(120_000);
  // Its own address, so the lockout touches nobody else's tests.
  const email = `locked-${testInfo.project.name}-${Date.now()}@example.test`;
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  for (let attempt = 0; attempt < 5; attempt++) {
    await signInViaPage(page, email, `wrong password ${attempt}`);
    await expect(page.getByRole("alert").filter({ hasText: /do not match an account|Too many failed attempts/ })).toBeVisible();
  }
  await signInViaPage(page, email, "wrong password again");
  await expect(page.getByRole("alert").filter({ hasText: "Too many failed attempts" })).toBeVisible();
  await expect(page.getByTestId("lockout-wait")).toHaveText(/^1[45] min( \d+ s)?$/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeDisabled();
  // The countdown moves.
  const before = await page.getByTestId("lockout-wait").textContent();
  await expect(page.getByTestId("lockout-wait")).not.toHaveText(before!, { timeout: 5_000 });
});

test("sign-in returns to the page asked for, and never to another site", { tag: DESKTOP_ONLY }, async ({ page }) => {
  await page.goto("/sign-in?callbackUrl=%2Fsettings%2Fappearance");
  await signInViaPage(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/settings\/appearance$/);
  // Leave the hub first, so nothing the signed-in page starts can abort the next navigation.
  await page.goto("about:blank");
  await page.context().clearCookies();
  await page.goto("/sign-in?callbackUrl=%2F%2Fevil.example%2F");
  await signInViaPage(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/inbox$/);
});
