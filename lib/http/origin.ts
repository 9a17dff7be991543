import { getConfig } from "@/lib/config/env";

/**
 * Where a request was sent: scheme and host as the browser addressed them.
 * The custom server sets X-Forwarded-Host/Proto from the connection (or, with
 * TRUST_PROXY, keeps the proxy's), so a client cannot pick them.
 */
export function requestOrigin(req: Request): string {
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? url.host;
  const proto = req.headers.get("x-forwarded-proto") ?? url.protocol.replace(/:$/, "");
  return `${proto}://${host}`;
}

/** The base URL for links the hub hands out (invite links): PUBLIC_URL, or this request's origin. */
export function publicBaseUrl(req: Request): string {
  return (getConfig().PUBLIC_URL ?? requestOrigin(req)).replace(/\/$/, "");
}
