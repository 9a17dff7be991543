import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { DESKTOP_ONLY } from "./helpers";

/**
 * First-load JavaScript of the inbox route: every script the server's HTML
 * for /inbox makes a current browser load, gzipped at level 9. The budget is
 * 250 KB; the figure is printed for bench/README.md.
 */
test("first-load JS of /inbox stays under 250 KB gzipped", { tag: DESKTOP_ONLY }, async ({ page, request }, testInfo) => {
  const res = await page.request.get("/inbox");
  expect(res.status()).toBe(200);
  const html = await res.text();
  // noModule scripts are legacy polyfills that current browsers never download.
  const tags = [...html.matchAll(/<script([^>]*)\bsrc="([^"]+)"([^>]*)>/g)].filter((match) => !/nomodule/i.test(match[1]! + match[3]!));
  const scripts = [...new Set(tags.map((match) => match[2]!))];
  expect(scripts.length).toBeGreaterThan(0);
  let raw = 0;
  let gzipped = 0;
  for (const src of scripts) {
    const body = await (await request.get(src)).body();
    raw += body.length;
    gzipped += gzipSync(body, { level: 9 }).length;
  }
  const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
  console.log(`[${testInfo.project.name}] /inbox first-load JS: ${scripts.length} scripts, ${kb(raw)} KB raw, ${kb(gzipped)} KB gzipped`);
  expect(gzipped).toBeLessThan(250 * 1024);
});
