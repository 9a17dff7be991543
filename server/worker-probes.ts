import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { assertReady } from "@/lib/db/readiness";
import { AppError, isAppError, toProblem } from "@/lib/http/errors";
import { getLogger } from "@/lib/log/logger";
import { renderMetrics } from "@/lib/metrics/metrics";
import { presentsMetricsToken } from "@/lib/metrics/token";

/**
 * What a worker instance (ROLE=worker) answers on its PORT: the two probes an
 * orchestrator needs, and /api/metrics for Prometheus (the jobs, webhook,
 * notification and SMS metrics are recorded where jobs run), nothing else. A
 * worker loads no Next build and serves no API or sockets; the same bodies and
 * problem+json errors as the web routes mean one probe configuration fits
 * both roles. Its /api/metrics takes only METRICS_TOKEN (a worker has no
 * sessions).
 */
export async function handleWorkerRequest(req: IncomingMessage, res: ServerResponse, options: { pool: pg.Pool; requestId: string }): Promise<void> {
  const pathname = (req.url ?? "/").split("?")[0];
  try {
    if (pathname !== "/api/health" && pathname !== "/api/ready" && pathname !== "/api/metrics") {
      throw new AppError("not_found", "A worker instance serves only /api/health, /api/ready and /api/metrics");
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      throw new AppError("method_not_allowed", `${pathname} answers GET`, { headers: { allow: "GET, HEAD" } });
    }
    if (pathname === "/api/metrics") {
      if (!presentsMetricsToken(req.headers.authorization)) throw new AppError("unauthorized", "Send METRICS_TOKEN as a bearer token");
      const { contentType, body } = await renderMetrics();
      res.statusCode = 200;
      res.setHeader("content-type", contentType);
      res.setHeader("cache-control", "no-store");
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    const body = pathname === "/api/health" ? { status: "ok", uptimeSeconds: Math.round(process.uptime()) } : await assertReady(options.pool);
    send(res, 200, "application/json; charset=utf-8", body, req.method === "HEAD");
  } catch (error) {
    const appError = isAppError(error) ? error : new AppError("internal", "Something went wrong on our side");
    if (!isAppError(error)) getLogger().error({ err: error, path: pathname }, "worker probe crashed");
    for (const [name, value] of Object.entries(appError.headers ?? {})) res.setHeader(name, value);
    send(res, appError.status, "application/problem+json", toProblem(appError, options.requestId), req.method === "HEAD");
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: unknown, headOnly: boolean): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", contentType);
  res.setHeader("cache-control", "no-store");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.end(headOnly ? undefined : text);
}
