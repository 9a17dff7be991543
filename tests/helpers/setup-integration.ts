import { afterAll, beforeAll, inject } from "vitest";
import { Writable } from "node:stream";
import { parseConfig, setConfig } from "@/lib/config/env";
import { setAuthSecret } from "@/lib/config/instance";
import { connectDatabase, setDatabase, type DatabaseHandle } from "@/lib/db/client";
import { createLogger, setLogger } from "@/lib/log/logger";
import { captureLine, startLogCapture } from "@/tests/helpers/logs";

/**
 * Every integration test file runs against the run's throwaway database,
 * with the config a test server would have and a logger whose lines the
 * tests can read.
 */
let handle: DatabaseHandle;

const TEST_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";

beforeAll(() => {
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
  setDatabase(undefined);
  await handle.pool.end();
});
