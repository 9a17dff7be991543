import { createServer } from "node:net";
import { defineConfig, devices, type Project } from "@playwright/test";
import { defaultChromium } from "./e2e/browsers";

/**
 * End-to-end tests drive Debian's Chromium (no browser download; see
 * e2e/browsers.ts) against the real custom server. Each viewport gets its own server and throwaway
 * database, so each starts from first run.
 *
 * Ports come from the OS, so several checkouts can run their e2e suites at
 * once. The runner picks them once and hands them to its workers through the
 * environment (E2E_PORTS), because every worker loads this file again.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

process.env.E2E_PORTS ??= (await Promise.all([freePort(), freePort()])).join(",");
const [phonePort, desktopPort] = process.env.E2E_PORTS.split(",").map(Number) as [number, number];

// The phone renders at one device pixel per CSS pixel: the layout, touch and
// mobile behaviour are the same as at a real phone's 2 or 3, and the software
// rasteriser paints a quarter of the pixels. The docs' pictures are taken at 2.
const viewports = [
  { name: "phone", port: phonePort, use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, userAgent: devices["Pixel 7"].userAgent } },
  { name: "desktop", port: desktopPort, use: { viewport: { width: 1280, height: 800 } } },
];

// DOCS_SCREENSHOTS=1 adds the projects that write docs/screenshots/*.png.
const docs = !!process.env.DOCS_SCREENSHOTS;

// The docs' pictures are taken one file after another on each viewport's
// hub, right after first-run setup, in an order where no file's data spoils
// another's pictures: the curated inbox and task list come before the
// analytics seed adds its own devices, messages and tasks, and the inbox
// before the shell, whose inbox picture then shows it. Each file is a project
// that depends on the one before (a failure skips the rest), and the last is
// `<viewport>-docs`, so `--project=phone-docs --project=desktop-docs` runs
// the whole chain.
const docsOrder = ["inbox-screenshots", "tasks-screenshots", "accounts", "screenshots", "analytics"];

function docsProjects(viewport: (typeof viewports)[number]): Project[] {
  return docsOrder.map((file, index) => ({
    name: index === docsOrder.length - 1 ? `${viewport.name}-docs` : `${viewport.name}-docs-${file}`,
    testMatch: new RegExp(`/${file}\\.docs\\.ts$`),
    dependencies: [index === 0 ? `${viewport.name}-setup` : `${viewport.name}-docs-${docsOrder[index - 1]}`],
    use: { ...viewport.use, ...(viewport.use.isMobile ? { deviceScaleFactor: 2 } : {}), baseURL: `http://localhost:${viewport.port}`, storageState: `test-results/.auth/${viewport.name}.json` },
  }));
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Files, not tests, run side by side. On a quiet 2-core machine four
  // workers were quicker (7.8 min against 9.4 with two), but on a loaded one
  // four browsers and two hubs took 11 s to load a page and timed tests out
  // (load average 20): two keep each page's time close to what a person sees.
  // On a later machine three were no quicker than two (8.2 min against 8.4):
  // the specs' own time grew by a third, and the browsers used about half the CPU.
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  // A trace is recorded on a failed test's retry (CI retries once), not for
  // every test: recording one screencasts each page, which was most of the
  // browsers' CPU (shell.spec.ts: chromium's browser and GPU processes 74 s
  // → 28 s of CPU; the whole suite 14.3 → 8.3 min). Locally, add
  // `--trace retain-on-failure` to keep one for a failure.
  use: { trace: "on-first-retry", screenshot: "only-on-failure", launchOptions: defaultChromium },
  projects: viewports.flatMap((viewport): Project[] => [
    {
      name: `${viewport.name}-setup`,
      testMatch: /.*\.setup\.ts/,
      use: { ...viewport.use, baseURL: `http://localhost:${viewport.port}` },
    },
    {
      name: viewport.name,
      testMatch: /.*\.spec\.ts/,
      // Checks that no layout changes, and keyboard-only ones, run at the desktop viewport alone (e2e/helpers.ts).
      grepInvert: viewport.name === "phone" ? /@desktop-only/ : undefined,
      dependencies: [`${viewport.name}-setup`],
      use: { ...viewport.use, baseURL: `http://localhost:${viewport.port}`, storageState: `test-results/.auth/${viewport.name}.json` },
    },
    ...(docs ? docsProjects(viewport) : []),
  ]),
  webServer: viewports.map((viewport) => ({
    command: `node scripts/e2e-server.mjs ${viewport.port}`,
    url: `http://localhost:${viewport.port}/api/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
    // SIGTERM, so that scripts/e2e-server.mjs stops the hub and drops its
    // throwaway database (without this, Playwright SIGKILLs the group).
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 15_000 },
    stdout: "pipe" as const,
    stderr: "pipe" as const,
  })),
});
