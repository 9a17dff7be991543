import type { Server as HttpServer } from "node:http";
import { randomUUID } from "node:crypto";
import { RateLimiterRes } from "rate-limiter-flexible";
import { Server, type Socket } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { authenticateHandshake } from "@/lib/auth/authenticate";
import { getConfig } from "@/lib/config/env";
import { getLimiter } from "@/lib/http/rate-limit";
import { AppError, ERROR_TITLES, isAppError } from "@/lib/http/errors";
import { fieldErrors } from "@/lib/http/route";
import { runWithContext } from "@/lib/log/context";
import { getLogger } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/metrics";
import { deliversAcrossInstances, socketIoRedisKey } from "@/lib/realtime/publish";
import { connectRedis, type RedisClient } from "@/lib/realtime/redis";

export type HubSocket = Socket & { data: { actor: Actor } };

export type AckError = { ok: false; error: { status: number; title: string; detail: string; errors?: unknown } };
export type Ack<T> = ({ ok: true } & T) | AckError;

/**
 * A feature's socket handlers. Each registers its events on a newly
 * authenticated socket; the server calls every registrar on connection.
 */
export type SocketRegistrar = (socket: HubSocket, io: Server) => void;

export type Realtime = {
  io: Server;
  close: () => Promise<void>;
};

export async function attachRealtime(
  httpServer: HttpServer,
  options: { redisUrl?: string; redisKeyPrefix?: string; registrars?: SocketRegistrar[]; pingIntervalMs?: number; pingTimeoutMs?: number },
): Promise<Realtime> {
  const io = new Server(httpServer, {
    path: "/socket.io",
    serveClient: false,
    pingInterval: options.pingIntervalMs ?? 25_000,
    pingTimeout: options.pingTimeoutMs ?? 20_000,
    maxHttpBufferSize: 256 * 1024,
  });

  const redisClients: RedisClient[] = [];
  if (options.redisUrl) {
    const pub = await connectRedis(options.redisUrl);
    const sub = pub.duplicate();
    sub.on("error", () => {});
    await sub.connect();
    redisClients.push(pub, sub);
    // Workers publish on the same channels through the Redis emitter (lib/realtime/publish.ts).
    io.adapter(createAdapter(pub, sub, { key: socketIoRedisKey(options.redisKeyPrefix ?? "mh") }));
    deliversAcrossInstances(io);
  }

  // Connection attempts per client IP, before authentication (which costs a database lookup).
  io.use(async (socket, next) => {
    const config = getConfig();
    const forwarded = config.TRUST_PROXY ? String(socket.handshake.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim() : "";
    const ip = forwarded || socket.handshake.address || "unknown";
    try {
      await getLimiter("socket-connect", { points: config.RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE, duration: 60 }).consume(ip);
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return next(rejection as Error);
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      next(Object.assign(new Error("Too many connection attempts"), { data: { status: 429, detail: `Too many connection attempts from this address. Try again in ${retryAfterSeconds} s.`, retryAfterSeconds } }));
    }
  });

  io.use(async (socket, next) => {
    try {
      const actor = await authenticateHandshake(socket.handshake);
      if (!actor) return next(Object.assign(new Error("Unauthorized"), { data: { status: 401, detail: "Send an API key as auth.token, or sign in" } }));
      socket.data.actor = actor;
      next();
    } catch (error) {
      getLogger().error({ err: error }, "socket authentication failed");
      next(new Error("Authentication failed"));
    }
  });

  io.on("connection", (rawSocket) => {
    const socket = rawSocket as HubSocket;
    const { actor } = socket.data;
    socket.join(`user:${actor.userId}`);
    // Open connections are read from Socket.IO at scrape time; this counts arrivals (a storm shows as a rate).
    metrics().socketConnects.inc({ namespace: socket.nsp.name });
    for (const register of options.registrars ?? []) register(socket, io);
  });

  return {
    io,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.all(redisClients.map((client) => client.quit().catch(() => {})));
    },
  };
}

/**
 * Registers a client-to-server event with an ack. The payload is parsed with
 * zod; the handler runs with its own request id in the log context; any error
 * comes back in the ack as {ok: false, error}.
 */
export function onEvent<S extends z.ZodType, R extends object>(
  socket: HubSocket,
  event: string,
  schema: S,
  handler: (payload: z.output<S>, actor: Actor) => Promise<R>,
): void {
  socket.on(event, (payload: unknown, ack?: unknown) => {
    const reply = typeof ack === "function" ? (ack as (response: Ack<R>) => void) : () => {};
    const actor = socket.data.actor;
    void runWithContext({ requestId: randomUUID(), userId: actor.userId }, async () => {
      try {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          throw new AppError("validation_failed", `The ${event} payload failed validation`, { extra: { errors: fieldErrors(parsed.error, "payload") } });
        }
        const result = await handler(parsed.data, actor);
        reply({ ok: true, ...result });
      } catch (error) {
        reply(ackError(error, event));
      }
    });
  });
}

export function ackError(error: unknown, event: string): AckError {
  if (isAppError(error)) {
    getLogger().info({ event, code: error.code, detail: error.message }, "socket event refused");
    return { ok: false, error: { status: error.status, title: ERROR_TITLES[error.code], detail: error.message, ...(error.extra?.errors ? { errors: error.extra.errors } : {}) } };
  }
  getLogger().error({ err: error, event }, "unhandled error in socket event");
  return { ok: false, error: { status: 500, title: ERROR_TITLES.internal, detail: "Something went wrong on our side" } };
}
