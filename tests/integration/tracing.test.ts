import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DISPATCH_QUEUE } from "@/lib/jobs/dispatcher";
import { startTracing } from "@/lib/tracing/boot";
import { tracingEnabled } from "@/lib/tracing/state";
import { startTestJobs } from "@/tests/helpers/jobs";
import { createPrivateDatabase } from "@/tests/helpers/private-database";
import { jsonLogs, startHub, type HubProcess } from "@/tests/helpers/process";

/**
 * OpenTelemetry end to end: the real server process (ROLE=worker, which needs
 * no Next build and serves /api/ready through the same request handler as
 * every route) with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an in-process
 * OTLP/HTTP receiver. The spans that arrive carry the HTTP route, the request
 * id, the database queries and the jobs; the log line of the request carries
 * the same trace id.
 */
type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: Array<{ key: string; value: OtlpValue }> };
type Span = OtlpSpan & { attrs: Record<string, string | number | boolean | undefined>; service?: string };

async function startOtlpReceiver(): Promise<{ url: string; spans: Span[]; paths: string[]; close: () => Promise<void> }> {
  const spans: Span[] = [];
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      paths.push(`${req.method} ${req.url} ${req.headers["content-type"]}`);
      if (req.url === "/v1/traces" && String(req.headers["content-type"]).startsWith("application/json")) {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          resourceSpans: Array<{ resource?: { attributes?: OtlpSpan["attributes"] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const resourceSpans of body.resourceSpans) {
          const service = resourceSpans.resource?.attributes?.find((attribute) => attribute.key === "service.name")?.value.stringValue;
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans) {
              const attrs = Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue]));
              spans.push({ ...span, attrs, service });
            }
          }
        }
      }
      res.statusCode = 200;
      res.setHeader("content-type", "application/json");
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    paths,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A PostgreSQL span (current semantic conventions name the attribute db.system.name). */
const isQuery = (span: Span) => span.attrs["db.system.name"] === "postgresql" && typeof span.attrs["db.query.text"] === "string";

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("tracing off", () => {
  it("loads nothing of the SDK when OTEL_EXPORTER_OTLP_ENDPOINT is unset", () => {
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes("@opentelemetry/sdk-node") || file.includes("@opentelemetry/instrumentation-pg"));
    expect(startTracing({ OTEL_SERVICE_NAME: "message-hub" })).toBe(false);
    expect(startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: "" })).toBe(false);
    // A bad value starts nothing here; parseConfig stops the boot with its name.
    expect(startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" })).toBe(false);
    expect(tracingEnabled()).toBe(false);
    expect(loaded()).toEqual([]);
  });
});

describe("tracing on", () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let database: Awaited<ReturnType<typeof createPrivateDatabase>>;
  let hub: HubProcess;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // The worker runs jobs: give it a database of its own.
    database = await createPrivateDatabase();
    hub = await startHub({
      ROLE: "worker",
      DATABASE_URL: database.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`,
      OTEL_SERVICE_NAME: "hub-under-test",
      // Export every 100 ms instead of every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
  }, 180_000);

  afterAll(async () => {
    if (hub) expect(await hub.stop()).toBe(0);
    await receiver?.close();
    await database?.drop();
  }, 60_000);

  it("exports the request's span with its route and request id, its queries as children, and logs the same trace id", async () => {
    const requestId = `trace-probe-${randomBytes(6).toString("hex")}`;
    const res = await fetch(`${hub.url}/api/ready?probe=1`, { headers: { "x-request-id": requestId } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(requestId);

    const server = await waitFor(() => receiver.spans.find((span) => span.attrs["hub.request_id"] === requestId), "the request's span");
    expect(server.name).toBe("GET /api/ready");
    expect(server.attrs["http.route"]).toBe("/api/ready");
    expect(server.kind).toBe(2); // SERVER
    expect(server.service).toBe("hub-under-test");
    expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(receiver.paths).toContain("POST /v1/traces application/json");

    // The readiness check's queries are spans of the same trace, under the request.
    const query = await waitFor(() => receiver.spans.find((span) => span.traceId === server.traceId && isQuery(span)), "a database span in the request's trace");
    expect(query.parentSpanId).toBeTruthy();

    const line = await waitFor(() => jsonLogs(hub.logs).find((entry) => entry.msg === "request" && entry.requestId === requestId), "the request's log line");
    expect(line).toMatchObject({ path: "/api/ready", status: 200, trace_id: server.traceId });
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(jsonLogs(hub.logs).find((entry) => entry.msg === "OpenTelemetry tracing on")).toMatchObject({ serviceName: "hub-under-test" });
  }, 60_000);

  it("exports a span per job batch, with the job's queries inside it", async () => {
    const jobs = await startTestJobs({ registrars: [], databaseUrl: database.url });
    try {
      await jobs.boss.send(DISPATCH_QUEUE, {});
    } finally {
      await jobs.stop();
    }
    const batch = await waitFor(() => receiver.spans.find((span) => span.name === `pg-boss ${DISPATCH_QUEUE}`), "the job's span");
    expect(batch.attrs).toMatchObject({ "messaging.system": "pg-boss", "messaging.destination.name": DISPATCH_QUEUE });
    expect(batch.kind).toBe(5); // CONSUMER
    await waitFor(() => receiver.spans.find((span) => span.traceId === batch.traceId && isQuery(span)), "a query inside the job");
  }, 60_000);
});
