import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { smsAnalytics } from "@/lib/sms/analytics";
import { smsAnalyticsQuerySchema } from "@/lib/sms/schemas";

export const dynamic = "force-dynamic";

/** Counts, segments and cost by day or user over a UTC date range, with routing latency and error rate. Members see their own usage. */
export const GET = route({ auth: "user", scopes: ["messages:read"], query: smsAnalyticsQuerySchema }, async ({ input, actor }) => smsAnalytics(getDb(), actor, input.query));
