import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { analyticsQuerySchema, resolveRange } from "@/lib/analytics/range";
import { insightsReport } from "@/lib/analytics/insights";
import { respond } from "@/lib/analytics/respond";

export const dynamic = "force-dynamic";

/** The caller's own patterns: messages per day, busiest senders, tasks completed per week, on-time rate. Never anyone else's data. */
export const GET = route({ auth: "user", scopes: ["messages:read", "tasks:read"], query: analyticsQuerySchema }, async ({ input, actor }) =>
  respond("insights", await insightsReport(getDb(), actor.userId, resolveRange(input.query)), input.query),
);
