// First: with OTEL_EXPORTER_OTLP_ENDPOINT set, the tracing SDK must start before http and pg load.
import { startTracing } from "@/lib/tracing/boot";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket as NetSocket } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import next from "next";
import { ConfigError, parseConfig, setConfig, type Config } from "@/lib/config/env";
import { connectDatabase, setDatabase } from "@/lib/db/client";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";
import { loadAuthSecret } from "@/lib/config/instance";
import { cronClockOptions, startJobs, setBoss } from "@/lib/jobs/boss";
import { requestIdFrom, runWithContext } from "@/lib/log/context";
import { createLogger, setLogger } from "@/lib/log/logger";
import { httpRequestDuration, routeLabel } from "@/lib/metrics/metrics";
import { createRealtimeEmitter, setRealtimeEmitter, setRealtimeServer } from "@/lib/realtime/publish";
import { connectRedis, setRedis, type RedisClient } from "@/lib/realtime/redis";
import { annotateRequestSpan, stopTracing, tracingEnabled } from "@/lib/tracing/state";
import { attachRealtime, type Realtime } from "@/server/realtime/index";
import { jobRegistrars, socketRegistrars } from "@/server/features";
import { securityHeaders } from "@/server/security-headers";
import { handleWorkerRequest } from "@/server/worker-probes";
import { createApiRouter } from "@/server/api-router";
import { startCronClock } from "@/server/cron-clock";

export type RunningServer = {
  url: string;
  port: number;
  config: Config;
  /** Graceful shutdown; resolves when everything is closed. */
  shutdown: (reason?: string) => Promise<void>;
};

/**
 * Boots the hub in order: config → database → migrations → jobs → Next →
 * Socket.IO → listen. Each step logs what it did, and a failing step stops
 * the boot with a message that says which.
 *
 * ROLE splits the work for scale-out (docs/scaling.md):
 * - web: Next, the API and Socket.IO; it only sends jobs.
 * - worker: pg-boss workers and cron schedules; on its PORT it answers only
 *   /api/health, /api/ready and /api/metrics, and it publishes realtime events through the
 *   Redis emitter.
 * - all (default): both, in one process.
 */
export async function startServer(env: Record<string, string | undefined> = process.env): Promise<RunningServer> {
  const config = parseConfig(env);
  setConfig(config);
  const log = createLogger();
  setLogger(log);
  const startedAt = Date.now();
  // Started when this module loaded (from process.env); a caller's own env may ask for it too.
  if (!tracingEnabled()) startTracing(env);
  // The origin only: a collector URL may carry credentials.
  if (tracingEnabled()) log.info({ collector: new URL(config.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://unset").origin, serviceName: config.OTEL_SERVICE_NAME }, "OpenTelemetry tracing on");

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = `${config.DATA_DIR.replace(/\/$/, "")}/pglite`;
    embedded = await startEmbeddedDatabase({ dataDir, port: config.PGLITE_PORT });
    databaseUrl = embedded.url;
    log.info({ dataDir }, "embedded PGlite database started");
  }
  const database = connectDatabase(databaseUrl, { max: config.DATABASE_POOL_MAX });
  setDatabase(database);
  const migration = await runMigrations(database.pool);
  log.info(migration, "migrations applied");
  await loadAuthSecret(database.db, config.AUTH_SECRET);
  // next-auth builds its URLs from NEXTAUTH_URL, or, when it trusts the host,
  // from X-Forwarded-Host, which the request handler below always sets.
  if (config.PUBLIC_URL) process.env.NEXTAUTH_URL = config.PUBLIC_URL;
  else process.env.AUTH_TRUST_HOST = "true";

  const serveHttp = config.ROLE !== "worker";
  let redis: RedisClient | undefined;
  if (config.REDIS_URL) {
    redis = await connectRedis(config.REDIS_URL);
    setRedis(redis);
    log.info("redis connected");
  }
  if (!serveHttp) {
    // A worker has no Socket.IO server: jobs publish through Redis to the web instances.
    if (redis) setRealtimeEmitter(createRealtimeEmitter(redis, config.REDIS_KEY_PREFIX));
    else log.warn("ROLE=worker without REDIS_URL: realtime events published by jobs reach no one (clients catch up through sync)");
  }

  const runWorkers = config.ROLE !== "web";
  const boss = await startJobs(databaseUrl, { registrars: jobRegistrars, runWorkers, lockAcrossInstances: !embedded });
  boss.on("error", (error) => log.error({ err: error }, "job runner error"));
  // Workers watch the cron schedules too, on a thread of their own (see cronClockOptions).
  const cronClock = runWorkers ? await startCronClock(cronClockOptions(databaseUrl), log) : undefined;
  log.info({ runWorkers, role: config.ROLE }, "job runner started");

  const dev = config.NODE_ENV === "development";
  const nextApp = serveHttp ? next({ dev, dir: process.cwd(), hostname: "localhost", port: config.PORT, customServer: true }) : undefined;
  await nextApp?.prepare();
  const handle = nextApp?.getRequestHandler();
  // API route handlers are served directly; pages and next-auth go through Next.
  const api = serveHttp ? createApiRouter(path.join(process.cwd(), "app")) : undefined;
  const upgrade = dev ? nextApp?.getUpgradeHandler() : undefined;

  let shuttingDown = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const httpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers["x-request-id"] as string | undefined);
    req.headers["x-request-id"] = requestId;
    // Only the server decides the client address: a client-sent value is dropped.
    req.headers["x-hub-client-ip"] = clientAddress(req, config);
    if (!config.TRUST_PROXY || !req.headers["x-forwarded-host"]) {
      req.headers["x-forwarded-host"] = req.headers.host;
      req.headers["x-forwarded-proto"] = "encrypted" in req.socket && req.socket.encrypted ? "https" : "http";
    }
    res.setHeader("x-request-id", requestId);
    annotateRequestSpan({ method: req.method ?? "GET", route: routeLabel((req.url ?? "/").split("?")[0] ?? "/"), requestId });
    for (const [name, value] of Object.entries(securityHeaders(req, config))) res.setHeader(name, value);
    if (shuttingDown) res.setHeader("connection", "close");

    // A request is in flight until its response has closed and its handler
    // has returned: a client that hangs up does not stop the handler, and the
    // drain must not close the database under it.
    inFlight++;
    let open = 2;
    const settle = () => {
      if (--open > 0) return;
      inFlight--;
      if (shuttingDown && inFlight === 0) drained?.();
    };
    res.on("close", () => {
      const url = req.url ?? "/";
      const pathname = url.split("?")[0] ?? "/";
      const route = res.statusCode === 404 ? "unmatched" : routeLabel(pathname);
      httpRequestDuration.observe({ method: req.method ?? "GET", route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
      if (pathname.startsWith("/api/")) {
        runWithContext({ requestId }, () =>
          log.info({ method: req.method, path: pathname, status: res.statusCode, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6) }, "request"),
        );
      }
      settle();
    });

    if (!handle) {
      runWithContext({ requestId }, () => void handleWorkerRequest(req, res, { pool: database.pool, requestId }).finally(settle));
      return;
    }
    runWithContext({ requestId }, () => {
      const serve = async () => {
        if (!(await api?.handle(req, res))) await handle(req, res);
      };
      serve().catch((error: unknown) => {
        log.error({ err: error }, "request handler crashed");
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader("content-type", "application/problem+json");
          res.end(JSON.stringify({ type: "/docs/api#error-internal", title: "Internal server error", status: 500, detail: "Something went wrong on our side", requestId }));
        } else {
          res.destroy();
        }
      }).finally(settle);
    });
  });
  httpServer.keepAliveTimeout = 65_000;

  let realtime: Realtime | undefined;
  if (serveHttp) {
    realtime = await attachRealtime(httpServer, { redisUrl: config.REDIS_URL, redisKeyPrefix: config.REDIS_KEY_PREFIX, registrars: socketRegistrars });
    setRealtimeServer(realtime.io);
    if (upgrade) {
      httpServer.on("upgrade", (req: IncomingMessage, socket: NetSocket, head: Buffer) => {
        if (!req.url?.startsWith("/socket.io")) void upgrade(req, socket, head);
      });
    }
  }

  const port = await new Promise<number>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.PORT, config.HOST, () => {
      const address = httpServer.address();
      resolve(typeof address === "object" && address ? address.port : config.PORT);
    });
  });
  const url = `http://localhost:${port}`;
  log.info({ url, role: config.ROLE, database: embedded ? "embedded" : "postgres", ms: Date.now() - startedAt }, "message hub ready");

  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (reason = "shutdown") => {
    shutdownPromise ??= (async () => {
      shuttingDown = true;
      log.info({ reason, inFlight }, "shutting down: no new connections, draining requests");
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), config.SHUTDOWN_TIMEOUT_MS).unref());
      if (inFlight > 0) {
        const outcome = await Promise.race([new Promise<void>((resolve) => (drained = resolve)), timeout]);
        if (outcome === "timeout") log.warn({ inFlight }, "requests still running at the shutdown deadline; closing them");
      }
      // Sockets reconnect to another instance and resume from their last position.
      realtime?.io.disconnectSockets(true);
      await realtime?.close();
      httpServer.closeAllConnections();
      await Promise.race([closed, timeout]);
      await cronClock?.stop(Math.min(config.SHUTDOWN_TIMEOUT_MS, 10_000)).catch((error: unknown) => log.warn({ err: error }, "cron clock did not stop cleanly"));
      await boss.stop({ graceful: true, wait: true, timeout: Math.min(config.SHUTDOWN_TIMEOUT_MS, 10_000) }).catch((error: unknown) => log.warn({ err: error }, "job runner did not stop cleanly"));
      setBoss(undefined);
      await redis?.quit().catch(() => {});
      setRedis(undefined);
      setRealtimeServer(undefined);
      setRealtimeEmitter(undefined);
      await database.pool.end();
      setDatabase(undefined);
      await embedded?.stop();
      // Last, so the spans of the drain above are flushed too.
      await stopTracing().catch((error: unknown) => log.warn({ err: error }, "traces not flushed at shutdown"));
      log.info("shutdown complete");
    })();
    return shutdownPromise;
  };

  return { url, port, config, shutdown };
}

function clientAddress(req: IncomingMessage, config: Config): string {
  if (config.TRUST_PROXY) {
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "unknown";
}

async function main(): Promise<void> {
  let server: RunningServer;
  try {
    server = await startServer();
  } catch (error) {
    const listen = error as NodeJS.ErrnoException & { port?: number };
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else if (listen.syscall === "listen" && (listen.code === "EADDRINUSE" || listen.code === "EACCES")) {
      const advice =
        listen.code === "EADDRINUSE"
          ? `is already in use (is Message Hub already running?). Stop what holds it, or choose another port: PORT=${listen.port === 3000 ? 3001 : 3000} npm start`
          : "needs privileges this process does not have. Choose a port above 1023: PORT=3000 npm start";
      process.stderr.write(`Message Hub cannot listen: port ${listen.port} ${advice}\n`);
    } else {
      process.stderr.write(`Message Hub failed to start: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
  const stop = (signal: NodeJS.Signals) => {
    server.shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // Every signal, not just the first: one Ctrl-C reaches the server more than
  // once (the terminal signals the whole process group, and `npm start` and
  // tsx forward theirs), and a repeat with no listener would kill the process
  // mid-drain. A repeat joins the shutdown under way, which ends by its own
  // deadline (SHUTDOWN_TIMEOUT_MS); SIGKILL still stops it at once.
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  void main();
}
