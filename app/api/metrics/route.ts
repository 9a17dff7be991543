import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { renderMetrics } from "@/lib/metrics/metrics";
import { presentsMetricsToken } from "@/lib/metrics/token";

export const dynamic = "force-dynamic";

/** Prometheus text. Scrapers send METRICS_TOKEN as a bearer token; admins may use their session. */
export const GET = route({ auth: "public", rateLimit: false }, async ({ req, actor }) => {
  const tokenOk = presentsMetricsToken(req.headers.get("authorization"));
  const adminOk = actor?.role === "admin" && actor.via === "session";
  if (!tokenOk && !adminOk) {
    throw new AppError("unauthorized", "Send METRICS_TOKEN as a bearer token, or sign in as an administrator");
  }
  const { contentType, body } = await renderMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
