import { createServer, type IncomingHttpHeaders } from "node:http";
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { createKey, guardPage } from "./helpers";

test.beforeEach(({ page }) => guardPage(page));

type Received = { headers: IncomingHttpHeaders; body: string };

/** A local endpoint on a port from the OS that records what it receives and answers 200. */
async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "text/plain" }).end(`thanks for ${req.headers["x-hub-event"]}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/hub`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test("webhooks: create one with chosen events, see a signed delivery after a task is created, redeliver, edit, delete", async ({ page, context, request }, testInfo) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const receiver = await startReceiver();
  try {
    await page.goto("/settings/webhooks");
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Webhooks" })).toHaveAttribute("aria-current", "page");
    await page.getByRole("button", { name: "Add webhook" }).first().click();
    const form = page.getByRole("dialog", { name: "Add a webhook" });
    await form.getByRole("button", { name: "Add webhook" }).click();
    await expect(form.getByText("Choose at least one event")).toBeVisible();
    await form.getByLabel("URL").fill(receiver.url);
    await form.getByLabel("Description").fill(`e2e ${testInfo.project.name}`);
    await form.getByRole("checkbox", { name: "task.created" }).check();
    await form.getByRole("checkbox", { name: "task.completed" }).check();
    await form.getByRole("button", { name: "Add webhook" }).click();

    const created = page.getByRole("dialog", { name: "Webhook created" });
    const secret = await created.getByLabel(`Signing secret for ${receiver.url}`).inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await created.getByRole("button", { name: "Copy" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await created.getByRole("button", { name: "Done" }).click();
    const row = page.getByRole("listitem", { name: receiver.url });
    await expect(row.getByText("task.created")).toBeVisible();
    await expect(row.getByText("task.completed")).toBeVisible();
    expect(await page.content()).not.toContain(secret);

    // A task created through the API reaches the receiver, signed with that secret.
    const key = await createKey(request, ["tasks:write"], `webhook-e2e-${testInfo.project.name}`);
    const title = `Webhook check ${Date.now()}`;
    const task = await request.post("/api/v1/tasks", { data: { title }, headers: { authorization: `Bearer ${key}` } });
    expect(task.status()).toBe(201);
    await expect.poll(() => receiver.received.filter((r) => r.body.includes(title)).length, { timeout: 30_000 }).toBe(1);
    const delivered = receiver.received.find((r) => r.body.includes(title))!;
    expect(delivered.headers["x-hub-event"]).toBe("task.created");
    const expected = createHmac("sha256", secret).update(`${delivered.headers["x-hub-timestamp"]}.${delivered.body}`).digest("hex");
    expect(delivered.headers["x-hub-signature-256"]).toBe(`sha256=${expected}`);

    // The delivery log shows it, with the response, without a reload.
    await row.getByRole("link", { name: `Deliveries of ${receiver.url}` }).click();
    // Other specs create tasks for the same user at the same time, so find
    // this delivery by the id the receiver was given rather than by position.
    const log = page.getByRole("list", { name: "Deliveries" });
    const first = log.getByRole("listitem", { name: `task.created ${delivered.headers["x-hub-delivery"]}` });
    await expect(first.getByText("succeeded", { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(first.getByText(/HTTP 200 · \d+ ms/)).toBeVisible();
    await first.getByText("Request and response").click();
    await expect(first.getByText("thanks for task.created")).toBeVisible();
    await expect(first.getByText(title, { exact: false })).toBeVisible();

    // Redeliver sends the same event again, as a new delivery.
    await first.getByRole("button", { name: /^Redeliver / }).click();
    await expect(page.getByRole("status").filter({ hasText: "Redelivery queued" })).toBeVisible();
    await expect.poll(() => receiver.received.filter((r) => r.body.includes(title)).length, { timeout: 30_000 }).toBe(2);
    const again = receiver.received.filter((r) => r.body.includes(title))[1]!;
    expect(again.body).toBe(delivered.body);
    expect(again.headers["x-hub-delivery"]).not.toBe(delivered.headers["x-hub-delivery"]);
    const second = log.getByRole("listitem", { name: `task.created ${again.headers["x-hub-delivery"]}` });
    await expect(second.getByText("redelivery", { exact: true })).toBeVisible();
    await expect(second.getByText("succeeded", { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(first.getByText("succeeded", { exact: true })).toBeVisible();

    // Edit: drop an event and disable it.
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const edit = page.getByRole("dialog", { name: "Edit webhook" });
    await edit.getByRole("checkbox", { name: "task.completed" }).uncheck();
    await edit.getByRole("checkbox", { name: "Active" }).uncheck();
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Disabled", { exact: true })).toBeVisible();

    // Delete from the list.
    await page.getByRole("link", { name: "← All webhooks" }).click();
    const listed = page.getByRole("listitem", { name: receiver.url });
    await expect(listed.getByText("task.completed")).toBeHidden();
    await listed.getByRole("button", { name: `Delete ${receiver.url}` }).click();
    await page.getByRole("dialog", { name: "Delete this webhook?" }).getByRole("button", { name: "Delete webhook" }).click();
    await expect(listed).toBeHidden();
  } finally {
    await receiver.close();
  }

  // The admin's jobs page shows the queue that carried those deliveries, and a job's timeline.
  await page.goto("/admin/jobs");
  await page.getByRole("link", { name: "webhook-deliver", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/jobs\/webhook-deliver$/);
  await page.getByLabel("State").selectOption("completed");
  await page.getByRole("list", { name: "Jobs" }).getByRole("button").first().click();
  const sheet = page.getByRole("dialog", { name: "Job" });
  await expect(sheet.getByRole("heading", { name: "History" })).toBeVisible();
  await expect(sheet.getByText("completed", { exact: true }).first()).toBeVisible();
  await expect(sheet.getByText(/"deliveryId"/)).toBeVisible();
});
