#!/usr/bin/env node
// Renders the PWA's PNG icons from the SVGs in public/icons/ with the same
// headless Chromium the browser tests use. Run after changing an SVG:
//   node scripts/make-icons.mjs
// The PNGs are committed; nothing runs this at build or install time.
import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..");
const icons = path.join(root, "public", "icons");
const outputs = [
  { svg: "icon.svg", out: "icon-192.png", size: 192 },
  { svg: "icon.svg", out: "icon-512.png", size: 512 },
  { svg: "maskable.svg", out: "maskable-192.png", size: 192 },
  { svg: "maskable.svg", out: "maskable-512.png", size: 512 },
  // iOS rounds the corners itself and shows transparency as black, so it gets the full-bleed art.
  { svg: "maskable.svg", out: "apple-touch-icon.png", size: 180 },
  // Android's status-bar badge: white on transparent.
  { svg: "badge.svg", out: "badge-96.png", size: 96 },
];

const browser = await chromium.launch({ executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const { svg, out, size } of outputs) {
    const markup = readFileSync(path.join(icons, svg), "utf8").replace("<svg ", `<svg width="${size}" height="${size}" `);
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${markup}</body></html>`);
    await page.locator("svg").screenshot({ path: path.join(icons, out), omitBackground: true });
    console.log(`public/icons/${out} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
