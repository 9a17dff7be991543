import pino, { type DestinationStream, type Logger } from "pino";
import { getConfig } from "@/lib/config/env";
import { currentContext } from "@/lib/log/context";
import { traceFields } from "@/lib/tracing/state";

/**
 * Paths that may hold secrets anywhere in a log object. pino replaces them
 * before the line is written, so a secret never reaches a log sink.
 */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "newPassword",
  "*.newPassword",
  "currentPassword",
  "*.currentPassword",
  "token",
  "*.token",
  "key",
  "*.key",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "signingSecret",
  "*.signingSecret",
  "totpSecret",
  "*.totpSecret",
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
  "headers.authorization",
  "headers.cookie",
  'headers["x-twilio-signature"]',
  "req.headers.authorization",
  "req.headers.cookie",
];

const LOGGER_KEY = Symbol.for("message-hub.logger");
type Holder = { [LOGGER_KEY]?: Logger };

export function createLogger(options: { level?: string; pretty?: boolean; destination?: DestinationStream } = {}): Logger {
  const config = getConfig();
  const level = options.level ?? config.LOG_LEVEL;
  const pretty = options.pretty ?? config.logFormat === "pretty";
  const base = {
    level,
    base: { service: "message-hub" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    // Every line inside a request or socket event carries its request id,
    // and with tracing on, the trace and span it belongs to.
    mixin() {
      const context = currentContext();
      return { ...(context ? { requestId: context.requestId, ...(context.userId ? { userId: context.userId } : {}) } : {}), ...traceFields() };
    },
  } satisfies pino.LoggerOptions;
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: "pino-pretty", options: { colorize: true, ignore: "pid,hostname,service" } } });
  }
  return pino(base);
}

/** The process-wide logger. */
export function getLogger(): Logger {
  const holder = globalThis as Holder;
  holder[LOGGER_KEY] ??= createLogger();
  return holder[LOGGER_KEY];
}

/** Replaces the process-wide logger (the server at boot, tests that capture lines). */
export function setLogger(logger: Logger): void {
  (globalThis as Holder)[LOGGER_KEY] = logger;
}
