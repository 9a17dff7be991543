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

export default nextConfig;
