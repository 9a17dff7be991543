import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { assertReady } from "@/lib/db/readiness";
import { AppError, isAppError, toProblem } from "@/lib/http/errors";
import { getLogger } from "@/lib/log/logger";

/**
 * What a worker instance (ROLE=worker) answers on its PORT: the two probes an
 * orchestrator needs, and nothing else. A worker loads no Next build and
 * serves no API or sockets; the same bodies and problem+json errors as the web
 * routes mean one probe configuration fits both roles.
 */
export async function handleWorkerRequest(req: IncomingMessage, res: ServerResponse, options: { pool: pg.Pool; requestId: string }): Promise<void> {
  const pathname = (req.url ?? "/").split("?")[0];
  try {
    if (pathname !== "/api/health" && pathname !== "/api/ready") {
      throw new AppError("not_found", "A worker instance serves only /api/health and /api/ready");
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      throw new AppError("method_not_allowed", `${pathname} answers GET`, { headers: { allow: "GET, HEAD" } });
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
