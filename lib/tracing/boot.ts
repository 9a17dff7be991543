import { createRequire } from "node:module";
import { z } from "zod";
import { tracingEnvShape } from "@/lib/config/env";
import { setTracing } from "@/lib/tracing/state";

/**
 * Starts OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set, and does
 * nothing (loads nothing) otherwise. server/index.ts imports this module
 * first: the SDK patches `http` and `pg` as they are loaded, so it has to run
 * before the modules that load them. Everything here is synchronous for the
 * same reason (an await would let the next imports run first).
 *
 * Spans: incoming and outgoing HTTP (@opentelemetry/instrumentation-http),
 * PostgreSQL queries made inside another span (@opentelemetry/instrumentation-pg;
 * pg-boss's own polling, which has no parent, is left out), and one span per
 * job batch and per job (lib/jobs/boss.ts through inSpan()). Spans go to
 * <endpoint>/v1/traces as OTLP/HTTP JSON.
 */
export function startTracing(env: Record<string, string | undefined> = process.env): boolean {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = z.object(tracingEnvShape).safeParse(cleaned);
  // A bad value is reported, with its name, by parseConfig when the server boots.
  if (!parsed.success || !parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT) return false;
  const { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: serviceName } = parsed.data;

  const require = createRequire(import.meta.url);
  const { NodeSDK } = require("@opentelemetry/sdk-node") as typeof import("@opentelemetry/sdk-node");
  const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http");
  const { HttpInstrumentation } = require("@opentelemetry/instrumentation-http") as typeof import("@opentelemetry/instrumentation-http");
  const { PgInstrumentation } = require("@opentelemetry/instrumentation-pg") as typeof import("@opentelemetry/instrumentation-pg");

  const sdk = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, "")}/v1/traces` }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => (req.url ?? "").startsWith("/_next/") }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
    // Traces only: metrics are Prometheus's (/api/metrics) and logs are pino's.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // ES modules that import pg bypass require(), which is where the
  // instrumentation hooks in; loading it through require() here first means
  // every later import gets the patched module.
  require("pg");
  setTracing({ shutdown: () => sdk.shutdown() });
  return true;
}

startTracing();
