/**
 * bench/web/inbox: the inbox page in headless Chromium (Debian's
 * /usr/bin/chromium, as the e2e suite uses), against the real server, next to
 * a static page measured in the same browser in the same run.
 *
 *   npx next build && npx tsx bench/web/inbox.ts [--messages 10000] [--runs 5] [--seconds 5] [--step 120]
 *
 * It starts the production server on a fresh embedded PGlite folder (or on
 * DATABASE_URL if set: use a throwaway database), creates the admin, registers
 * a device and ingests --messages messages through POST /api/v1/messages in
 * batches of 500. Then, at 1280×800:
 *   1. Largest Contentful Paint of /inbox, each run in a fresh browser context
 *      (empty HTTP cache), read through the Performance API after the first
 *      message row has rendered; also when that row became visible;
 *   2. scrolling the inbox list: for --seconds, each animation frame moves the
 *      list down by --step px (it loads further pages as it goes); frame
 *      duration is the time between animation frames, p50/p99, and frames over
 *      50 ms count as long;
 * and the same two measures on the baseline, a static HTML page served by a
 * bare node:http server: the same header, and a list of the same number of
 * plain rows in a scroller of the same size (no JavaScript, no virtualisation).
 * Every loop is bounded by a count or a duration.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "@playwright/test";
import { percentile, startServer, table } from "../lib";

const args = new Map(process.argv.slice(2).map((arg, i, all) => [arg, all[i + 1]]));
const MESSAGES = Number(args.get("--messages") ?? 10_000);
const RUNS = Number(args.get("--runs") ?? 5);
const SECONDS = Number(args.get("--seconds") ?? 5);
const STEP = Number(args.get("--step") ?? 120);
const VIEWPORT = { width: 1280, height: 800 };
const ADMIN = { email: "bench@example.test", password: "bench-password-123", name: "Bench" };
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium";

function sample(i: number): { sender: string; body: string; receivedAt: string } {
  return {
    sender: `+1555${String(i % 10_000).padStart(7, "0")}`,
    body: `Message ${i}: your package from the warehouse is out for delivery today, track it with code ${i * 7919}`,
    receivedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  };
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The baseline: one static page, rendered once, served from memory. */
function staticPage(rows: number): string {
  const items = Array.from({ length: rows }, (_, i) => {
    const m = sample(rows - i);
    return `<li><b>${escape(m.sender)}</b><p>${escape(m.body)}</p></li>`;
  }).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Inbox</title><style>
body{margin:0;font:14px system-ui,sans-serif}header{padding:16px 24px;border-bottom:1px solid #ddd}h1{margin:0;font-size:24px}
#scroller{height:calc(100dvh - 17rem);min-height:20rem;overflow-y:auto;margin:16px 24px;border:1px solid #ddd}
li{list-style:none;padding:10px 16px;border-bottom:1px solid #eee;height:52px}p{margin:4px 0 0;color:#555}</style></head>
<body><header><h1>Inbox</h1><p>${rows.toLocaleString("en-US")} messages from your devices.</p></header>
<div id="scroller" data-testid="message-scroller"><ul style="margin:0;padding:0">${items}</ul></div></body></html>`;
}

async function startStatic(html: string): Promise<{ url: string; server: HttpServer }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** LCP (ms after navigation start) once `ready` has rendered, and when `ready` became visible. */
async function measureLoad(page: Page, url: string, ready: string): Promise<{ lcp: number; firstRow: number }> {
  await page.goto(url, { waitUntil: "commit" });
  await page.locator(ready).first().waitFor({ state: "visible", timeout: 30_000 });
  const firstRow = await page.evaluate(() => performance.now());
  // A later, larger paint would replace the LCP entry; give the page a moment to settle.
  await page.waitForTimeout(500);
  const lcp = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no largest-contentful-paint entry")), 5000);
        new PerformanceObserver((list) => {
          clearTimeout(timer);
          resolve(list.getEntries().at(-1)!.startTime);
        }).observe({ type: "largest-contentful-paint", buffered: true });
      }),
  );
  return { lcp, firstRow };
}

type ScrollResult = { frames: number[]; scrolledPx: number; domRows: number };

/** Moves the scroller down `step` px per animation frame for `seconds`, recording each frame's duration. */
async function measureScroll(page: Page, seconds: number, step: number): Promise<ScrollResult> {
  return page.evaluate(
    async ({ seconds, step }) => {
      const scroller = document.querySelector<HTMLElement>('[data-testid="message-scroller"]')!;
      const frames: number[] = [];
      let maxRows = 0;
      await new Promise<void>((resolve) => {
        let last = 0;
        let end = 0;
        const tick = (now: number) => {
          if (last === 0) end = now + seconds * 1000;
          else frames.push(now - last);
          last = now;
          maxRows = Math.max(maxRows, scroller.querySelectorAll("li").length);
          scroller.scrollTop += step;
          if (now < end) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      return { frames, scrolledPx: scroller.scrollTop, domRows: maxRows };
    },
    { seconds, step },
  );
}

// tsx (esbuild with keepNames) wraps named functions in page.evaluate callbacks with __name(); the page needs it too.
const NAME_SHIM = { content: "globalThis.__name = (fn) => fn;" };

async function newContext(browser: Browser, baseURL?: string) {
  const context = await browser.newContext({ viewport: VIEWPORT, baseURL });
  await context.addInitScript(NAME_SHIM);
  return context;
}

async function signIn(browser: Browser, baseURL: string) {
  const context = await newContext(browser, baseURL);
  const csrf = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await context.request.post("/api/auth/callback/credentials", { form: { csrfToken: csrf.csrfToken, email: ADMIN.email, password: ADMIN.password, json: "true" }, maxRedirects: 0 });
  if (![200, 302].includes(res.status())) throw new Error(`sign-in failed: ${res.status()}`);
  return context;
}

const hub = await startServer();
const baseline = await startStatic(staticPage(MESSAGES));
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
try {
  const setup = (await (await fetch(`${hub.url}/api/v1/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })).json()) as { key: string };
  const device = (await (
    await fetch(`${hub.url}/api/v1/devices/register`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${setup.key}` }, body: JSON.stringify({ name: "bench phone" }) })
  ).json()) as { key: string };
  const seedStart = Date.now();
  for (let offset = 0; offset < MESSAGES; offset += 500) {
    const messages = Array.from({ length: Math.min(500, MESSAGES - offset) }, (_, i) => ({ type: "sms", externalId: `web-${offset + i}`, ...sample(offset + i + 1) }));
    const res = await fetch(`${hub.url}/api/v1/messages`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${device.key}` }, body: JSON.stringify({ messages }) });
    if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  console.log(`seeded ${MESSAGES.toLocaleString("en-US")} messages in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  const loads = { hub: [] as Array<{ lcp: number; firstRow: number }>, baseline: [] as Array<{ lcp: number; firstRow: number }> };
  // A first, unmeasured visit of each warms the server and the database caches.
  for (let run = 0; run <= RUNS; run++) {
    const context = await signIn(browser, hub.url);
    const page = await context.newPage();
    const result = await measureLoad(page, `${hub.url}/inbox`, '[data-testid="message-sender"]');
    if (run > 0) loads.hub.push(result);
    await context.close();
    const plain = await newContext(browser);
    const staticResult = await measureLoad(await plain.newPage(), baseline.url, "li");
    if (run > 0) loads.baseline.push(staticResult);
    await plain.close();
  }

  const fmt = (n: number) => n.toFixed(1);
  const loadRow = (name: string, runs: Array<{ lcp: number; firstRow: number }>) => ({
    page: name,
    "LCP p50 ms": fmt(percentile(runs.map((r) => r.lcp), 50)),
    "LCP max ms": fmt(Math.max(...runs.map((r) => r.lcp))),
    "first row visible p50 ms": fmt(percentile(runs.map((r) => r.firstRow), 50)),
  });
  console.log(`\nbench/web/inbox: ${MESSAGES.toLocaleString("en-US")} messages, ${VIEWPORT.width}×${VIEWPORT.height}, ${RUNS} cold loads each\n`);
  table([loadRow("hub /inbox", loads.hub), loadRow("static page (baseline)", loads.baseline)]);

  const context = await signIn(browser, hub.url);
  const page = await context.newPage();
  await page.goto(`${hub.url}/inbox`);
  await page.locator('[data-testid="message-sender"]').first().waitFor({ state: "visible", timeout: 30_000 });
  const hubScroll = await measureScroll(page, SECONDS, STEP);
  const listHeight = await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="message-scroller"] ul')!.style.height);
  await context.close();
  const plain = await newContext(browser);
  const staticPageHandle = await plain.newPage();
  await staticPageHandle.goto(baseline.url);
  const staticScroll = await measureScroll(staticPageHandle, SECONDS, STEP);
  await plain.close();

  const scrollRow = (name: string, result: ScrollResult) => ({
    page: name,
    frames: String(result.frames.length),
    "frame p50 ms": fmt(percentile(result.frames, 50)),
    "frame p99 ms": fmt(percentile(result.frames, 99)),
    "long frames (>50 ms)": `${result.frames.filter((f) => f > 50).length} (${((result.frames.filter((f) => f > 50).length / Math.max(1, result.frames.length)) * 100).toFixed(1)} %)`,
    "scrolled px": String(Math.round(result.scrolledPx)),
    "rows in the DOM (max)": String(result.domRows),
  });
  console.log(`\nscrolling ${SECONDS} s at ${STEP} px per frame (hub list height reached: ${listHeight})\n`);
  table([scrollRow("hub /inbox (virtualised)", hubScroll), scrollRow(`static page, ${MESSAGES.toLocaleString("en-US")} plain rows (baseline)`, staticScroll)]);
} finally {
  await browser.close();
  await new Promise<void>((resolve) => baseline.server.close(() => resolve()));
  await hub.stop();
}
