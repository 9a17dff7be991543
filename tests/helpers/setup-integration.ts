import { afterAll, beforeAll, inject } from "vitest";
import { Writable } from "node:stream";
import client from "prom-client";
import { flushActivity } from "@/lib/analytics/activity";
import { stopSystemSampler } from "@/lib/analytics/system";
import { parseConfig, setConfig } from "@/lib/config/env";
import { setAuthSecret } from "@/lib/config/instance";
import { connectDatabase, setDatabase, type DatabaseHandle } from "@/lib/db/client";
import { getBoss } from "@/lib/jobs/boss";
import { createLogger, setLogger } from "@/lib/log/logger";
import { getRealtimeServer } from "@/lib/realtime/publish";
import { getRedis } from "@/lib/realtime/redis";
import { captureLine, startLogCapture } from "@/tests/helpers/logs";

/**
 * Every integration test file runs against the run's throwaway database,
 * with the config a test server would have and a logger whose lines the
 * tests can read.
 *
 * Files share their worker's modules (isolate: false in vitest.config.ts),
 * so each starts from what a fresh process would hold: the process-wide
 * state the hub keeps on globalThis (under Symbol.for("message-hub.…"):
 * rate limiters, presence, caches, holders of the database and the job
 * queue) is dropped, and the metrics are zeroed; and whatever background
 * work a file left running (pg-boss, a Socket.IO server, Redis, the
 * metrics sampler) is stopped after it.
 */
let handle: DatabaseHandle;

const TEST_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";

/** The hub's process-wide state: every globalThis key under Symbol.for("message-hub.…"). */
function hubState(): symbol[] {
  return Object.getOwnPropertySymbols(globalThis).filter((key) => key.description?.startsWith("message-hub."));
}

/** The metrics stay registered (prom-client's registry is per process; they cannot be made twice); their values start at zero. */
const KEPT = new Set(["message-hub.metrics"]);

beforeAll(() => {
  const state = globalThis as Record<symbol, unknown>;
  for (const key of hubState()) if (!KEPT.has(key.description!)) delete state[key];
  client.register.resetMetrics();
  setConfig(parseConfig({ NODE_ENV: "test", DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "debug", AUTH_SECRET: TEST_AUTH_SECRET }));
  setAuthSecret(TEST_AUTH_SECRET);
  startLogCapture(inject("logCaptureDir"));
  handle = connectDatabase(inject("databaseUrl"), { max: 20 });
  setDatabase(handle);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) captureLine(line);
      callback();
    },
  });
  setLogger(createLogger({ level: "debug", pretty: false, destination: sink }));
});

afterAll(async () => {
  // Writes the file's requests started off their path (the day's activity) land in its database.
  await flushActivity();
  // Background work a file left running would poll into the next file.
  await getBoss()?.stop({ graceful: false, wait: true, timeout: 5_000 });
  const io = getRealtimeServer();
  if (io) await new Promise<void>((resolve) => io.close(() => resolve()));
  const redis = getRedis();
  if (redis?.isOpen) await redis.quit().catch(() => {});
  stopSystemSampler();
  setDatabase(undefined);
  await handle.pool.end();
});
