import { timingSafeEqual } from "node:crypto";
import { getConfig } from "@/lib/config/env";

/**
 * Whether an Authorization header carries METRICS_TOKEN as a bearer token
 * (compared in constant time). False when no token is configured: then only
 * an administrator's session can read /api/metrics on a web instance.
 */
export function presentsMetricsToken(authorization: string | null | undefined): boolean {
  const token = getConfig().METRICS_TOKEN;
  const presented = authorization?.replace(/^Bearer\s+/i, "") ?? "";
  return !!token && presented.length === token.length && timingSafeEqual(Buffer.from(presented), Buffer.from(token));
}
