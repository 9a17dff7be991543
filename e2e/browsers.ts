import { existsSync } from "node:fs";

/**
 * The browsers the specs run in, all from Debian's packages (nothing is
 * downloaded). PLAYWRIGHT_CHROMIUM_PATH, when set, is used for everything.
 */
const args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
const CHROMIUM = "/usr/bin/chromium";

/** The full browser. The headless shell shows no notifications, so the push specs need this one. */
export const fullChromium = { executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? CHROMIUM, args };

/**
 * Every other spec: the headless shell when it is installed, the same engine
 * without the full browser's UI and about a fifth less CPU over this suite.
 */
export const defaultChromium = { executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : CHROMIUM), args };
