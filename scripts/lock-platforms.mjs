#!/usr/bin/env node
// Adds lock entries for platform-specific optional packages (other OSes and
// CPUs) that a registry mirror without them leaves out of package-lock.json.
// Without them `npm ci` refuses the lock as out of sync; with them, npm sees
// each package's os/cpu and skips it on machines it does not fit.
// Run after `npm install` changes the lock: node scripts/lock-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

function platformOf(name) {
  const part = name.split("/").pop();
  const os = ["darwin", "win32", "linux", "freebsd", "android", "openbsd", "sunos", "aix", "netbsd"].find((o) => part.includes(`-${o}-`) || part.endsWith(`-${o}`));
  const cpus = ["arm64", "x64", "ia32", "arm", "wasm32", "ppc64", "s390x", "riscv64", "loong64", "mips64el"];
  const cpu = cpus.find((c) => part.includes(`-${c}`));
  return { os, cpu };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ""}node_modules/${dep}`;
    if (packages[nested] || packages[`node_modules/${dep}`]) continue;
    const { os, cpu } = platformOf(dep);
    if (!os && !cpu) continue;
    const version = range.replace(/^[\^~=]/, "");
    packages[`node_modules/${dep}`] = { version, ...(cpu ? { cpu: [cpu] } : {}), ...(os ? { os: [os] } : {}), optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);
