import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { analyticsQuerySchema, resolveRange } from "@/lib/analytics/range";
import { respond } from "@/lib/analytics/respond";
import { tasksReport } from "@/lib/analytics/tasks";

export const dynamic = "force-dynamic";

/** Tasks created and completed per week, completion rate, overdue trend and on-time rate per assignee. Admins only. With format=csv&chart=<name>, one chart's rows as CSV. */
export const GET = route({ auth: "admin", query: analyticsQuerySchema }, async ({ input }) => respond("tasks", await tasksReport(getDb(), resolveRange(input.query)), input.query));
