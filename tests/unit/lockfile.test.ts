import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * `npm ci` refuses a lock that lacks any optional dependency, even one for
 * another platform. A registry mirror without those packages leaves them out
 * of a lock written by `npm install`; scripts/lock-platforms.mjs puts them back.
 */
describe("package-lock.json", () => {
  it("lists every optional dependency, so a clean `npm ci` accepts it", () => {
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, { optionalDependencies?: Record<string, string> }> };
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${location ? `${location}/` : ""}node_modules/${dep}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${dep}`]) missing.push(dep);
      }
    }
    expect(missing, "run `node scripts/lock-platforms.mjs` after changing dependencies").toEqual([]);
  });
});
