import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { staleBuildReason } from "@/scripts/build-freshness.mjs";

/** A project tree in a temporary directory, each file with the modification time given (seconds). */
function project(files: Record<string, number>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "mh-build-"));
  for (const [file, time] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), file);
    utimesSync(path.join(root, file), time, time);
  }
  roots.push(root);
  return root;
}
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("npm start's build check", () => {
  it("builds when there is no build", () => {
    expect(staleBuildReason(project({ "app/page.tsx": 1000 }))).toBe("no build found");
  });

  it("keeps a build newer than every source", () => {
    const root = project({ "app/page.tsx": 1000, "lib/deep/er/x.ts": 1000, "package-lock.json": 1000, "server/index.ts": 3000, "data/pglite/x": 3000, ".next/BUILD_ID": 2000 });
    expect(staleBuildReason(root)).toBeNull();
  });

  it("rebuilds when a source the build reads changed after it, however deep, and names it", () => {
    const root = project({ "app/page.tsx": 1000, "lib/deep/er/x.ts": 3000, ".next/BUILD_ID": 2000 });
    expect(staleBuildReason(root)).toBe(`${path.join("lib", "deep", "er", "x.ts")} changed since the last build`);
    expect(staleBuildReason(project({ "package-lock.json": 3000, ".next/BUILD_ID": 2000 }))).toBe("package-lock.json changed since the last build");
    expect(staleBuildReason(project({ "clients/sdk-ts/rest.ts": 3000, ".next/BUILD_ID": 2000 }))).toBe(`${path.join("clients", "sdk-ts", "rest.ts")} changed since the last build`);
  });

  it("ignores node_modules and dot-directories inside the sources", () => {
    const root = project({ "app/page.tsx": 1000, "lib/node_modules/x.js": 3000, "components/.cache/x": 3000, ".next/BUILD_ID": 2000 });
    expect(staleBuildReason(root)).toBeNull();
  });
});
