import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "lib/**/*.test.ts", "clients/**/*.test.ts"],
          environment: "node",
          // Unit tests touch no database, server or background job, and undo
          // what they stub, so files share a worker's modules: 8 s of CPU
          // against 22 s when each file imports them afresh (passed in
          // several shuffled orders). The first stage of `npm test` runs this
          // beside typecheck and lint, which get the CPU back.
          isolate: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // One throwaway database per run (Postgres when TEST_DATABASE_URL is set, else PGlite).
          // The log scan's teardown runs after the database's, once every file has written its lines.
          globalSetup: ["tests/helpers/global-logs.ts", "tests/helpers/global-database.ts"],
          setupFiles: ["tests/helpers/setup-integration.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Worker-driven tests (job queues, crashes and restarts) can miss a deadline on a loaded
          // 2-core CI machine; one retry there, none locally, so a real failure still shows.
          retry: process.env.CI ? 1 : 0,
          fileParallelism: true,
          // Files spend much of their time waiting on Postgres, Redis and timers, so
          // three at a time fill two cores (88 s against 146 s with vitest's
          // default of one per spare core here; four was no faster).
          maxWorkers: 3,
          // Files share each worker's modules rather than importing them afresh:
          // 91-103 s against 147 s on a 2-core machine. The setup file gives each
          // file what a fresh process would hold, and stops what it leaves running.
          isolate: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "system",
          include: ["tests/system/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/helpers/global-database.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          retry: process.env.CI ? 1 : 0,
          // Each file starts real server processes on ports from the OS. Two
          // files at a time: alone, a file leaves the machine idle half the
          // time, waiting on servers to boot and on timers.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
