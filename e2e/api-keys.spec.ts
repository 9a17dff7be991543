import { expect, test } from "@playwright/test";
import { DESKTOP_ONLY, guardPage, sameOriginHeaders } from "./helpers";

test.beforeEach(({ page }) => guardPage(page));

test("create an API key, copy its secret once, use it, then revoke it", async ({ page, context, request }, testInfo) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const name = `ci-${testInfo.project.name}-${Date.now()}`;
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API keys" })).toHaveAttribute("aria-current", "page");

  await page.getByRole("button", { name: "Create key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create an API key" });
  await expect(dialog).toBeVisible();
  // Nothing is sent until the form makes sense.
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByText("Choose at least one scope")).toBeVisible();
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("checkbox", { name: "messages:read" }).check();
  await dialog.getByRole("checkbox", { name: "tasks:write" }).check();
  await dialog.getByLabel("Expires").selectOption("30");
  await dialog.getByRole("button", { name: "Create key" }).click();

  const secretDialog = page.getByRole("dialog", { name: "Key created" });
  await expect(secretDialog).toBeVisible();
  const secret = await secretDialog.getByLabel(`Secret for “${name}”`).inputValue();
  expect(secret).toMatch(/^mh_[0-9a-z]{8}_[0-9A-Za-z_-]{43}$/);
  await secretDialog.getByRole("button", { name: "Copy" }).click();
  await expect(secretDialog.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await secretDialog.getByRole("button", { name: "Done" }).click();
  await expect(secretDialog).toBeHidden();

  // The list shows the key by its prefix, scopes and expiry, never the secret.
  const row = page.getByRole("listitem", { name });
  await expect(row).toBeVisible();
  await expect(row.getByText(secret.slice(0, 11))).toBeVisible();
  await expect(row.getByText("messages:read")).toBeVisible();
  // Thirty days reads as four weeks or next month, depending on the second it is rendered.
  await expect(row.getByText(/Expires (in 4 weeks|in 30 days|next month)/)).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  // The copied key works against the API, with only its scopes.
  const me = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).auth.scopes).toEqual(["messages:read", "tasks:write"]);

  // Revoke, after confirming; it stops working at once.
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this key?" });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Key revoked" })).toBeVisible();
  await expect(row).toBeHidden();
  expect((await request.get("/api/v1/me", { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(401);
});

test("rotating a key shows a new secret and retires the old one", async ({ page, request }, testInfo) => {
  const name = `rotate-${testInfo.project.name}-${Date.now()}`;
  const made = await page.request.post("/api/v1/api-keys", { data: { name, scopes: ["messages:read"] }, headers: await sameOriginHeaders(page.request) });
  const old = ((await made.json()) as { key: string }).key;
  await page.goto("/settings/api-keys");
  const row = page.getByRole("listitem", { name });
  await row.getByRole("button", { name: `Rotate ${name}` }).click();
  await page.getByRole("dialog", { name: "Rotate this key?" }).getByRole("button", { name: "Rotate key" }).click();
  const secretDialog = page.getByRole("dialog", { name: "Key rotated" });
  const fresh = await secretDialog.getByLabel(`Secret for “${name}”`).inputValue();
  expect(fresh).toMatch(/^mh_/);
  expect(fresh).not.toBe(old);
  await secretDialog.getByRole("button", { name: "Done" }).click();
  expect((await request.get("/api/v1/me", { headers: { authorization: `Bearer ${old}` } })).status()).toBe(401);
  expect((await request.get("/api/v1/me", { headers: { authorization: `Bearer ${fresh}` } })).status()).toBe(200);
});

test("Esc closes the create dialog and returns focus to the button that opened it", { tag: DESKTOP_ONLY }, async ({ page }) => {
  await page.goto("/settings/api-keys");
  const open = page.getByRole("button", { name: "Create key" }).first();
  await open.click();
  const dialog = page.getByRole("dialog", { name: "Create an API key" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  // Tab stays inside the dialog.
  for (let i = 0; i < 14; i++) await page.keyboard.press("Tab");
  expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();
});
