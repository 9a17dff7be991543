import type { IncomingMessage } from "node:http";
import type { Config } from "@/lib/config/env";

/**
 * Headers on every response. The CSP allows inline scripts because Next's
 * App Router inlines its hydration data; everything else is same-origin.
 */
export function securityHeaders(req: IncomingMessage, config: Config): Record<string, string> {
  const dev = config.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
  const headers: Record<string, string> = {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
  };
  if (isHttps(req, config)) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

function isHttps(req: IncomingMessage, config: Config): boolean {
  if ("encrypted" in req.socket && req.socket.encrypted) return true;
  if (config.TRUST_PROXY && req.headers["x-forwarded-proto"] === "https") return true;
  return false;
}
