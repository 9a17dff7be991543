import { expect, test } from "@playwright/test";
import { THEMES, shoot } from "./docs-screenshots";
import { guardPage } from "./helpers";
import { postMessages, registerDevice } from "./inbox-seed";

/**
 * docs/screenshots/{inbox,message-detail,devices,settings-profile}-<size>-<theme>.png,
 * with a realistic inbox. Runs with DOCS_SCREENSHOTS=1 (see playwright.config.ts).
 */
test("screenshots of the inbox, a message, devices and the profile, light and dark", async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  guardPage(page);
  const pixel = await registerDevice(request, "Pixel 8");
  const work = await registerDevice(request, "Work phone");
  await postMessages(request, pixel, [
    { sender: "+1 555 0142", body: "Your verification code is 318 204. It expires in 10 minutes.", tags: ["2fa"], priority: "high" },
    { sender: "Mum", body: "Dinner on Sunday? Bring the kids if they're free." },
    { sender: "DHL", body: "Your parcel 7731 is out for delivery between 10:00 and 14:00.", tags: ["parcels"] },
    { sender: "Bank", title: "Card payment", body: "EUR 42.90 at Corner Grocery was approved.", type: "notification", tags: ["money"] },
  ]);
  await postMessages(request, work, [
    { sender: "PagerDuty", title: "INCIDENT #4211", body: "api-gateway: error rate above 5% for 10 minutes", type: "notification", priority: "urgent", tags: ["oncall"] },
    { sender: "+44 20 7946 0018", body: "Missed call", type: "call" },
  ]);
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto("/inbox");
    await expect(page.getByRole("list", { name: "Messages" }).getByRole("listitem").first()).toBeVisible();
    await shoot(page, "inbox", testInfo, theme);
    await page.getByRole("button", { name: /PagerDuty/ }).click();
    await expect(page.getByTestId("message-detail")).toBeVisible();
    await shoot(page, "message-detail", testInfo, theme);
    await page.keyboard.press("Escape");
    await page.goto("/settings/devices");
    await expect(page.getByRole("list", { name: "Devices" })).toBeVisible();
    await shoot(page, "devices", testInfo, theme);
    await page.goto("/settings/profile");
    await expect(page.getByLabel("Time zone")).toBeVisible();
    await shoot(page, "settings-profile", testInfo, theme);
  }
});
