// Whether the web app's build (.next) is older than the sources it was built
// from. `npm start` rebuilds when it is, so a `git pull` or an edit is never
// served by the build of an earlier revision (the API routes, run from
// source, would be newer than the pages that call them).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** What `next build` reads: the app, what it imports, its assets and its config. */
export const BUILD_INPUTS = ["app", "components", "lib", "clients/sdk-ts", "public", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];

/**
 * Null when `root/.next` holds a build newer than every input; otherwise why
 * it needs building: there is none, or the first input found changed after it.
 * @param {string} root
 * @returns {string | null}
 */
export function staleBuildReason(root) {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return "no build found";
  const builtAt = statSync(buildId).mtimeMs;
  for (const input of BUILD_INPUTS) {
    const changed = newerThan(path.join(root, input), builtAt);
    if (changed) return `${path.relative(root, changed)} changed since the last build`;
  }
  return null;
}

/**
 * The first file under `target` modified after `time` (ms), or null.
 * @param {string} target
 * @param {number} time
 * @returns {string | null}
 */
function newerThan(target, time) {
  if (!existsSync(target)) return null;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs > time ? target : null;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const found = newerThan(path.join(target, entry.name), time);
    if (found) return found;
  }
  return null;
}
