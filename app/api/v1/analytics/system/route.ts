import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { analyticsQuerySchema, resolveRange } from "@/lib/analytics/range";
import { respond } from "@/lib/analytics/respond";
import { systemReport } from "@/lib/analytics/system";

export const dynamic = "force-dynamic";

/** Request rate, p95 latency and error rate by route, socket connections, job queue depth and failures, from this instance's metrics and pg-boss. Admins only. With format=csv&chart=<name>, one chart's rows as CSV. */
export const GET = route({ auth: "admin", query: analyticsQuerySchema }, async ({ input }) => respond("system", await systemReport(getDb(), resolveRange(input.query)), input.query));
