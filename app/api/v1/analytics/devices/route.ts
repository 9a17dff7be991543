import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { analyticsQuerySchema, resolveRange } from "@/lib/analytics/range";
import { respond } from "@/lib/analytics/respond";
import { devicesReport } from "@/lib/analytics/devices";

export const dynamic = "force-dynamic";

/** Devices online, stale and offline over time, and each device's sync lag. Admins only. With format=csv&chart=<name>, one chart's rows as CSV. */
export const GET = route({ auth: "admin", query: analyticsQuerySchema }, async ({ input }) => respond("devices", await devicesReport(getDb(), resolveRange(input.query)), input.query));
