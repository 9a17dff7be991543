import { expect, test } from "@playwright/test";
import { THEMES, shoot } from "./docs-screenshots";
import { guardPage, sameOriginHeaders } from "./helpers";

/**
 * docs/screenshots/ for the accounts pages: Admin → Users, Admin → Audit log,
 * Admin → Jobs, Settings → Security (and its two-factor dialog). Runs only with DOCS_SCREENSHOTS=1, like screenshots.docs.ts.
 */
test("screenshots of the admin and security pages, light and dark", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  guardPage(page);
  const headers = await sameOriginHeaders(page.request);
  // A few people, the way an admin would add them: an invite each, accepted.
  const people = [
    { name: "Grace Hopper", email: "grace@example.test", role: "admin" },
    { name: "Linus Member", email: "linus@example.test", role: "member" },
    { name: "Margaret Oncall", email: "margaret@example.test", role: "member" },
  ];
  for (const person of people) {
    const invite = await page.request.post("/api/v1/admin/invites", { data: { email: person.email, role: person.role }, headers });
    expect(invite.status()).toBe(201);
    const { token } = (await invite.json()) as { token: string };
    expect((await page.request.post(`/api/v1/invites/${token}/accept`, { data: { name: person.name, password: "a long enough password" }, headers })).status()).toBe(201);
  }
  await page.request.post("/api/v1/admin/invites", { data: { email: "pending@example.test", role: "member" }, headers });

  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto("/admin/users");
    await expect(page.getByRole("listitem", { name: "grace@example.test" })).toBeVisible();
    await shoot(page, "admin-users", testInfo, theme);

    await page.goto("/admin/audit");
    await expect(page.getByRole("row").nth(1)).toBeVisible();
    await shoot(page, "admin-audit", testInfo, theme);

    await page.goto("/admin/jobs");
    await expect(page.getByRole("heading", { name: "Queues" })).toBeVisible();
    await shoot(page, "admin-jobs", testInfo, theme);

    await page.goto("/settings/security");
    await expect(page.getByRole("button", { name: "Set up two-factor" })).toBeVisible();
    await shoot(page, "settings-security", testInfo, theme);
    await page.getByRole("button", { name: "Set up two-factor" }).click();
    await expect(page.getByRole("dialog", { name: "Set up two-factor sign-in" }).getByRole("img")).toBeVisible();
    await shoot(page, "settings-security-enrol", testInfo, theme);
    await page.keyboard.press("Escape");
  }
});
