import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The custom server (server/index.ts) owns the HTTP port, Socket.IO and the
  // process lifecycle; Next only renders pages and route handlers.
  poweredByHeader: false,
  reactStrictMode: true,
  // These packages hold process-wide state (connection pools, metric
  // registries, loggers). Loading them from node_modules, not bundling them,
  // means the server and the route handlers share one instance.
  serverExternalPackages: [
    "pg",
    "pg-boss",
    "pino",
    "pino-pretty",
    "prom-client",
    "socket.io",
    "@socket.io/redis-adapter",
    "@socket.io/redis-emitter",
    "redis",
    "rate-limiter-flexible",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "web-push",
  ],
  // `npm test` type-checks the whole project in its first stage and sets
  // NEXT_BUILD_SKIP_TYPECHECK=1 for its build, so the same check does not run
  // twice (about half a minute). Every other build type-checks.
  typescript: { ignoreBuildErrors: process.env.NEXT_BUILD_SKIP_TYPECHECK === "1" },
};

/**
 * Pages are loaded when first asked for, not all at start. Preloading every
 * page's bundle (Next's default) cost each start about 1.0-1.5 s of CPU and
 * held about 65 MB more memory (RSS at ready 316-324 MB against 251-259 MB),
 * for pages many installs never open (the admin area, say); the first request
 * for a page after a restart takes about 200 ms longer instead, once.
 */
const experimental = {
  preloadEntriesOnStart: false,
  // The build keeps a cache in .next/cache that makes the next build about
  // half as long (22 s against 45 s here), and writing it costs about 13 s.
  // CI builds once in a fresh clone, so `npm test` turns it off there
  // (NEXT_BUILD_FS_CACHE=0).
  turbopackFileSystemCacheForBuild: process.env.NEXT_BUILD_FS_CACHE !== "0",
};

/**
 * No source maps in a production build. The server enables Node's source map
 * support (tsx does, for the TypeScript it loads), and with it Node read and
 * parsed every map of every server bundle it loaded: about 75 MB over 720
 * files. Without them a fresh start takes about 1 s less CPU and holds about
 * 100 MB less memory (RSS at ready 402-434 MB → 312-329 MB), and the build is
 * quicker. The API's handlers and the server are loaded from their
 * TypeScript, so their stack traces still name the source lines; only page
 * rendering errors point into .next/server. `npm run dev` keeps its maps.
 *
 * @param {string} phase the Next phase loading this file (next/constants)
 * @returns {import('next').NextConfig}
 */
export default function config(phase) {
  return { ...nextConfig, experimental: { ...experimental, turbopackSourceMaps: phase === PHASE_DEVELOPMENT_SERVER } };
}
