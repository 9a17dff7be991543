import { expect, test } from "@playwright/test";
import { guardPage, waitForShell } from "./helpers";
import { postMessages, registerDevice, unique } from "./inbox-seed";

test.beforeEach(({ page }) => guardPage(page));

test("registering a device shows its key and QR code once, and the key forwards messages", async ({ page, request }, testInfo) => {
  const name = unique(`Pixel ${testInfo.project.name} `);
  await page.goto("/settings/devices");
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Devices" })).toHaveAttribute("aria-current", "page");
  await page.getByRole("button", { name: "Add device" }).click();
  const form = page.getByRole("dialog", { name: "Add a device" });
  await form.getByLabel("Device name").fill(name);
  await form.getByRole("button", { name: "Register device" }).click();

  const shown = page.getByRole("dialog", { name: `${name} is registered` });
  await expect(shown).toBeVisible();
  const key = await shown.getByLabel("Device API key").inputValue();
  expect(key).toMatch(/^mh_/);
  const qr = shown.getByRole("img", { name: /QR code/ });
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
  await expect(shown.getByText(`/api/v1/ingest/smsgate?key=${key}`)).toBeVisible();
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toBeHidden();

  // Once: the list shows the device but never the key again.
  const row = page.getByRole("list", { name: "Devices" }).getByRole("listitem").filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row).toContainText("0 messages");
  expect(await page.content()).not.toContain(key);
  await page.reload();
  expect(await page.content()).not.toContain(key);

  // The key works as a device key.
  const res = await request.post("/api/v1/messages", { headers: { authorization: `Bearer ${key}` }, data: { type: "sms", sender: "+1 555 0199", body: "hello from the new phone", receivedAt: new Date().toISOString() } });
  expect(res.status()).toBe(201);
  await page.reload();
  await expect(row).toContainText("1 message");
  await expect(row).toContainText("online");
  await expect(row).toContainText("Synced up to: not synced");

  // A heartbeat reports the battery and the forwarder app's version.
  expect((await request.post(`/api/v1/devices/${(await res.json()).message.deviceId}/heartbeat`, { headers: { authorization: `Bearer ${key}` }, data: { battery: 42, appVersion: "1.9.3" } })).status()).toBe(200);
  await page.reload();
  await expect(row).toContainText("battery 42%");
  await expect(row).toContainText("android · app 1.9.3");

  // The phone syncs its owner's messages to the end and acknowledges the cursor: the row says how far it got.
  const device = { authorization: `Bearer ${key}` };
  let cursor = "";
  const bodies: string[] = [];
  for (let more = true; more; ) {
    const res = await request.get(`/api/v1/sync/messages?limit=500${cursor ? `&since=${cursor}` : ""}`, { headers: device });
    const page = (await res.json()) as { cursor: string; hasMore: boolean; changes: { body: string }[] };
    bodies.push(...page.changes.map((change) => change.body));
    ({ cursor, hasMore: more } = page);
  }
  expect(bodies).toContain("hello from the new phone");
  expect((await request.put("/api/v1/sync/status", { headers: device, data: { cursor } })).status()).toBe(200);
  await page.reload();
  await expect(row).toContainText(`Synced up to: just now (${cursor})`);

  // Rename, then revoke: the key stops working.
  await row.getByRole("button", { name: "Rename" }).click();
  const renamed = `${name} renamed`;
  const dialog = page.getByRole("dialog", { name: `Rename ${name}` });
  await dialog.getByLabel("Device name").fill(renamed);
  await dialog.getByRole("button", { name: "Save" }).click();
  const renamedRow = page.getByRole("list", { name: "Devices" }).getByRole("listitem").filter({ hasText: renamed });
  await expect(renamedRow).toBeVisible();
  await renamedRow.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: `Revoke ${renamed}?` }).getByRole("button", { name: "Revoke device" }).click();
  await expect(renamedRow).toContainText("revoked");
  const refused = await request.post("/api/v1/messages", { headers: { authorization: `Bearer ${key}` }, data: { type: "sms", sender: "x", body: "after revoke", receivedAt: new Date().toISOString() } });
  expect(refused.status()).toBe(401);
});

test("export writes the stream into the file chosen in the save dialog, counting as it goes", async ({ page, request }) => {
  const body = unique("exported through the dialog ");
  const [seeded] = await postMessages(request, await registerDevice(request, unique("Export phone ")), [{ sender: "+15550100", body }]);
  // Stands in for the browser's save dialog: the chosen "file" keeps what the page writes to it.
  await page.addInitScript(() => {
    const file = { name: "", chunks: [] as number[][], closed: false };
    Object.assign(window, { savedExport: file });
    Object.defineProperty(window, "showSaveFilePicker", {
      configurable: true,
      value: async (options: { suggestedName: string }) => {
        file.name = options.suggestedName;
        return {
          name: options.suggestedName,
          createWritable: async () => ({
            write: async (chunk: Uint8Array) => void file.chunks.push(Array.from(chunk)),
            close: async () => void (file.closed = true),
            abort: async () => undefined,
          }),
        };
      },
    });
  });
  await page.goto("/settings/export");
  await page.getByLabel("Format").selectOption("ndjson");
  await page.getByRole("button", { name: "Export messages" }).click();
  await expect(page.getByTestId("export-progress")).toContainText(/^Done: \d+ messages?, /);
  const saved = await page.evaluate(() => {
    const file = (window as unknown as { savedExport: { name: string; chunks: number[][]; closed: boolean } }).savedExport;
    return { name: file.name, closed: file.closed, text: new TextDecoder().decode(new Uint8Array(file.chunks.flat())) };
  });
  expect(saved.name).toMatch(/^messages-\d{4}-\d{2}-\d{2}\.ndjson$/);
  expect(saved.closed).toBe(true);
  const ids = saved.text.trimEnd().split("\n").map((line) => (JSON.parse(line) as { id: string }).id);
  expect(ids).toContain(seeded);
  await expect(page.getByTestId("export-progress")).toContainText(`Done: ${ids.length} message${ids.length === 1 ? "" : "s"}, `);
  await expect(page.getByTestId("export-outcome")).toHaveText(`Saved ${saved.name}.`);
  const served = await page.request.get("/api/v1/messages/export?format=ndjson");
  const servedIds = new Set((await served.text()).trimEnd().split("\n").map((line) => (JSON.parse(line) as { id: string }).id));
  for (const id of ids) expect(servedIds.has(id)).toBe(true);
});

test("without a save dialog the browser downloads the export itself", async ({ page, request }) => {
  const body = unique("exported by the browser ");
  await postMessages(request, await registerDevice(request, unique("Export phone ")), [{ sender: "+15550100", body }]);
  await page.addInitScript(() => Object.defineProperty(window, "showSaveFilePicker", { configurable: true, value: undefined }));
  await page.goto("/settings/export");
  await page.getByLabel("Format").selectOption("csv");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export messages" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^messages-\d{4}-\d{2}-\d{2}\.csv$/);
  await expect(page.getByTestId("export-outcome")).toContainText("its downloads list shows the progress");
  const stream = await file.createReadStream();
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  expect(text.split("\n")[0]).toMatch(/^id,/);
  expect(text).toContain(body);
});

test("a session that has ended shows the hub's reason, and nothing is saved, with or without a save dialog", async ({ page, context }) => {
  // This page's save dialog records whether the page threw away what it wrote.
  await page.addInitScript(() => {
    const file = { writes: 0, aborted: false, closed: false };
    Object.assign(window, { savedExport: file });
    Object.defineProperty(window, "showSaveFilePicker", {
      configurable: true,
      value: async (options: { suggestedName: string }) => ({
        name: options.suggestedName,
        createWritable: async () => ({ write: async () => void file.writes++, close: async () => void (file.closed = true), abort: async () => void (file.aborted = true) }),
      }),
    });
  });
  // The other page has no save dialog, so the browser would download.
  const plain = await context.newPage();
  guardPage(plain);
  await plain.addInitScript(() => Object.defineProperty(window, "showSaveFilePicker", { configurable: true, value: undefined }));
  for (const each of [page, plain]) {
    await each.goto("/settings/export");
    await waitForShell(each);
  }

  await context.clearCookies();
  const reason = "Sign in, or send an API key";
  await page.getByRole("button", { name: "Export messages" }).click();
  await expect(page.getByRole("alert").filter({ hasText: reason })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { savedExport: object }).savedExport)).toEqual({ writes: 0, aborted: true, closed: false });
  await expect(page.getByTestId("export-outcome")).toBeHidden();

  // Without the dialog, the check before the browser's download finds the same.
  let downloads = 0;
  plain.on("download", () => void downloads++);
  await plain.getByRole("button", { name: "Export messages" }).click();
  await expect(plain.getByRole("alert").filter({ hasText: reason })).toBeVisible();
  await expect(plain.getByTestId("export-outcome")).toBeHidden();
  expect(downloads).toBe(0);
});

test("'Export these' in a filtered inbox exports only the messages that match", async ({ page, request }) => {
  const wanted = unique("from the filtered phone ");
  const other = unique("from another phone ");
  const phone = await registerDevice(request, unique("Filtered phone "));
  await postMessages(request, phone, [{ sender: "+15550111", body: wanted, tags: ["keep"] }, { sender: "+15550112", body: `${wanted} untagged` }]);
  await postMessages(request, await registerDevice(request, unique("Other phone ")), [{ sender: "+15550113", body: other, tags: ["keep"] }]);
  await page.addInitScript(() => Object.defineProperty(window, "showSaveFilePicker", { configurable: true, value: undefined }));

  await page.goto(`/inbox?device=${phone.id}&tag=keep`);
  await expect(page.getByRole("list", { name: "Messages" }).getByRole("listitem")).toHaveCount(1);
  await page.getByRole("link", { name: "Export these" }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/export\\?device=${phone.id}&tag=keep$`));
  await expect(page.getByTestId("export-filters")).toContainText(`Only messages matching: ${phone.name} · tagged keep`);
  await page.getByLabel("Format").selectOption("ndjson");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export messages" }).click();
  const stream = await (await download).createReadStream();
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  expect(text.trimEnd().split("\n").map((line) => (JSON.parse(line) as { body: string }).body)).toEqual([wanted]);

  // Back to everything: the other phone's message is in it again.
  await page.getByRole("link", { name: "Export all messages instead" }).click();
  await expect(page).toHaveURL(/\/settings\/export$/);
  await expect(page.getByTestId("export-filters")).toBeHidden();
  const everything = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export messages" }).click();
  const all = await (await everything).createReadStream();
  let allText = "";
  for await (const chunk of all) allText += String(chunk);
  expect(allText).toContain(other);
});
