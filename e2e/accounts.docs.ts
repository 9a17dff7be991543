import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { guardPage, sameOriginHeaders } from "./helpers";

/**
 * docs/screenshots/ for the accounts pages: Admin → Users, Admin → Audit log,
 * Admin → Jobs, Settings → Security (and its two-factor dialog). Runs only with DOCS_SCREENSHOTS=1, like screenshots.docs.ts.
 */
const themes = ["light", "dark"] as const;

async function shoot(page: Page, name: string, size: string, theme: string): Promise<void> {
  mkdirSync("docs/screenshots", { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(250);
  await page.screenshot({ path: `docs/screenshots/${name}-${size}-${theme}.png`, animations: "disabled", caret: "hide" });
}

test("screenshots of the admin and security pages, light and dark", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  guardPage(page);
  const size = testInfo.project.name.replace(/-docs$/, "");
  const headers = await sameOriginHeaders(page.request);
  // A few people, the way an admin would add them: an invite each, accepted.
  const people = [
    { name: "Grace Hopper", email: "grace@example.test", role: "admin" },
    { name: "Linus Member", email: "linus@example.test", role: "member" },
    { name: "Margaret Oncall", email: "margaret@example.test", role: "member" },
  ];
  for (const person of people) {
    const invite = await page.request.post("/api/v1/admin/invites", { data: { email: person.email, role: person.role }, headers });
    if (invite.status() !== 201) continue; // already there from an earlier run of the other size on this hub
    const { token } = (await invite.json()) as { token: string };
    expect((await page.request.post(`/api/v1/invites/${token}/accept`, { data: { name: person.name, password: "a long enough password" }, headers })).status()).toBe(201);
  }
  await page.request.post("/api/v1/admin/invites", { data: { email: "pending@example.test", role: "member" }, headers });

  for (const theme of themes) {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto("/admin/users");
    await expect(page.getByRole("listitem", { name: "grace@example.test" })).toBeVisible();
    await shoot(page, "admin-users", size, theme);

    await page.goto("/admin/audit");
    await expect(page.getByRole("row").nth(1)).toBeVisible();
    await shoot(page, "admin-audit", size, theme);

    await page.goto("/admin/jobs");
    await expect(page.getByRole("heading", { name: "Queues" })).toBeVisible();
    await shoot(page, "admin-jobs", size, theme);

    await page.goto("/settings/security");
    await expect(page.getByRole("button", { name: "Set up two-factor" })).toBeVisible();
    await shoot(page, "settings-security", size, theme);
    await page.getByRole("button", { name: "Set up two-factor" }).click();
    await expect(page.getByRole("dialog", { name: "Set up two-factor sign-in" }).getByRole("img")).toBeVisible();
    await shoot(page, "settings-security-enrol", size, theme);
    await page.keyboard.press("Escape");
  }
});
