import { expect, test } from "@playwright/test";
import { THEMES, docsSize, shoot } from "./docs-screenshots";
import { ADMIN, guardPage, sameOriginHeaders, signInViaPage } from "./helpers";

/**
 * Writes docs/screenshots/<page>-<size>-<theme>.png for the README. Runs only
 * with DOCS_SCREENSHOTS=1, after the inbox, tasks and accounts pictures (see
 * playwright.config.ts), so the shell's inbox shows the inbox file's messages:
 *   DOCS_SCREENSHOTS=1 npx playwright test --project=phone-docs --project=desktop-docs
 */
test("screenshots of the shell, the settings and sign-in, light and dark", async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  guardPage(page);
  for (const name of ["Pixel 8 forwarder", "Nightly backup script"]) {
    await page.request.post("/api/v1/api-keys", { data: { name, scopes: name.startsWith("Pixel") ? ["messages:write", "devices:write"] : ["messages:read", "tasks:read", "tasks:write"] }, headers: await sameOriginHeaders(page.request) });
  }
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto("/inbox");
    await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
    await shoot(page, "shell-inbox", testInfo, theme);
    if (docsSize(testInfo) === "phone") {
      await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "More" }).click();
      await expect(page.getByRole("dialog", { name: "More" })).toBeVisible();
      await shoot(page, "shell-more", testInfo, theme);
      await page.keyboard.press("Escape");
    }

    await page.goto("/settings/api-keys");
    await expect(page.getByRole("listitem", { name: "Pixel 8 forwarder" })).toBeVisible();
    await shoot(page, "settings-api-keys", testInfo, theme);
    await page.getByRole("button", { name: "Create key" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create an API key" });
    await dialog.getByLabel("Name").fill("Grafana alerts");
    await dialog.getByRole("checkbox", { name: "messages:write" }).check();
    await shoot(page, "settings-create-key", testInfo, theme);
    await page.keyboard.press("Escape");

    await page.goto("/settings/appearance");
    await expect(page.getByRole("heading", { name: "Theme" })).toBeVisible();
    await shoot(page, "settings-appearance", testInfo, theme);

    await page.goto("/inbox");
    await page.keyboard.press("Control+k");
    await expect(page.getByRole("dialog", { name: "Command palette" })).toBeVisible();
    await shoot(page, "command-palette", testInfo, theme);
    await page.keyboard.press("Escape");

    const { viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL } = testInfo.project.use;
    const signedOut = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL, colorScheme: theme, storageState: { cookies: [], origins: [] } });
    const signIn = await signedOut.newPage();
    await signIn.goto("/sign-in");
    await signInViaPage(signIn, ADMIN.email, "a wrong password");
    await expect(signIn.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
    await shoot(signIn, "sign-in", testInfo, theme);
    await signedOut.close();
  }
});
