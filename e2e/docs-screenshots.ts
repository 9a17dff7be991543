import { mkdirSync } from "node:fs";
import type { Page, TestInfo } from "@playwright/test";
import { isPhone } from "./helpers";

/**
 * What the `e2e/*.docs.ts` files share: each writes
 * docs/screenshots/<name>-<phone|desktop>-<light|dark>.png. Their projects
 * run only with DOCS_SCREENSHOTS=1, one file after another (playwright.config.ts).
 */
export const THEMES = ["light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** "phone" or "desktop", whichever of the chain's projects is running. */
export function docsSize(testInfo: TestInfo): "phone" | "desktop" {
  return isPhone(testInfo) ? "phone" : "desktop";
}

/**
 * Waits for fonts and transitions to settle, so the picture is what a person
 * sees, then writes it. `fullPage` makes the window as tall as the page for
 * the picture (and then puts it back), rather than Playwright's stitched
 * full-page capture, where the sticky sidebar stops at the first screen.
 */
export async function shoot(page: Page, name: string, testInfo: TestInfo, theme: Theme, options: { fullPage?: boolean; settleMs?: number } = {}): Promise<void> {
  mkdirSync("docs/screenshots", { recursive: true });
  const viewport = page.viewportSize();
  if (options.fullPage && viewport) {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  }
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(options.settleMs ?? 300);
  await page.screenshot({ path: `docs/screenshots/${name}-${docsSize(testInfo)}-${theme}.png`, animations: "disabled", caret: "hide" });
  if (options.fullPage && viewport) await page.setViewportSize(viewport);
}
