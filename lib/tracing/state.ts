import { isSpanContextValid, SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";

/**
 * What the rest of the hub asks of tracing. Only @opentelemetry/api is
 * imported here (a few kilobytes, and Next loads it anyway); the SDK is
 * loaded by boot.ts alone, and only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * Until then every function below returns at its first line.
 */
const TRACING_KEY = Symbol.for("message-hub.tracing");
type Holder = { [TRACING_KEY]?: { shutdown: () => Promise<void> } };

/** Set by boot.ts once the SDK runs; on globalThis, so Next's bundled copies of this module see it too. */
export function setTracing(handle: { shutdown: () => Promise<void> } | undefined): void {
  (globalThis as Holder)[TRACING_KEY] = handle;
}

export function tracingEnabled(): boolean {
  return (globalThis as Holder)[TRACING_KEY] !== undefined;
}

/** Flushes and stops the SDK (the server's shutdown calls it last). */
export async function stopTracing(): Promise<void> {
  const handle = (globalThis as Holder)[TRACING_KEY];
  setTracing(undefined);
  await handle?.shutdown();
}

/** The active span's ids, for log lines: `{trace_id, span_id}`, or nothing outside a span. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  if (!tracingEnabled()) return {};
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId };
}

/**
 * Names the incoming request's span after its route (ids collapsed, as in the
 * metrics) and links it to the request id that logs and problem+json carry.
 */
export function annotateRequestSpan(request: { method: string; route: string; requestId: string }): void {
  if (!tracingEnabled()) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttribute("http.route", request.route);
  span.setAttribute("hub.request_id", request.requestId);
  span.updateName(`${request.method} ${request.route}`);
}

/** Runs `fn` in a span of its own (jobs: pg-boss has no instrumentation of its own). */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn();
  return trace.getTracer("message-hub").startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}
