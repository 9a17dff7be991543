import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { analyticsQuerySchema, resolveRange } from "@/lib/analytics/range";
import { respond } from "@/lib/analytics/respond";
import { usersReport } from "@/lib/analytics/users";

export const dynamic = "force-dynamic";

/** Daily and weekly active users, sign-ins and the most active users. Admins only. With format=csv&chart=<name>, one chart's rows as CSV. */
export const GET = route({ auth: "admin", query: analyticsQuerySchema }, async ({ input }) => respond("users", await usersReport(getDb(), resolveRange(input.query)), input.query));
