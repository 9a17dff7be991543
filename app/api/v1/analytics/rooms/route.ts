import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { analyticsQuerySchema, resolveRange } from "@/lib/analytics/range";
import { respond } from "@/lib/analytics/respond";
import { roomsReport } from "@/lib/analytics/rooms";

export const dynamic = "force-dynamic";

/** Incidents opened and resolved per week, time to resolve by severity, messages and participants per room. Admins only. With format=csv&chart=<name>, one chart's rows as CSV. */
export const GET = route({ auth: "admin", query: analyticsQuerySchema }, async ({ input }) => respond("rooms", await roomsReport(getDb(), resolveRange(input.query)), input.query));
