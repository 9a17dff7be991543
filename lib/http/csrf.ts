import { getConfig } from "@/lib/config/env";
import { AppError } from "@/lib/http/errors";
import { requestOrigin } from "@/lib/http/origin";

/**
 * CSRF defence for requests that a browser authenticates with the session
 * cookie. The cookie is SameSite=Lax, which already keeps it off cross-site
 * POSTs in current browsers; this check does not rely on that. A
 * state-changing request must say where it comes from (Origin, or Referer
 * when a browser omits Origin), and that must be the hub itself: the
 * request's own host, or PUBLIC_URL. API-key requests carry no ambient
 * credential and are exempt.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

function originOf(value: string | null): string | null {
  if (!value || value === "null") return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/** The origins this request may come from: the host it was sent to, and PUBLIC_URL. */
export function allowedOrigins(req: Request): Set<string> {
  const allowed = new Set<string>();
  const publicUrl = getConfig().PUBLIC_URL;
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  // The custom server sets X-Forwarded-Host/Proto from the connection (or
  // from a trusted proxy), so they name the host the browser addressed.
  const own = originOf(requestOrigin(req));
  if (own) allowed.add(own);
  return allowed;
}

export function assertSameOrigin(req: Request): void {
  const origin = originOf(req.headers.get("origin")) ?? originOf(req.headers.get("referer"));
  if (!origin) throw new AppError("forbidden", "Cross-site request refused: a signed-in browser request that changes something must carry an Origin header");
  if (!allowedOrigins(req).has(origin)) throw new AppError("forbidden", `Cross-site request refused: requests from ${origin} may not use this session`);
}
