import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { analyticsQuerySchema, resolveRange } from "@/lib/analytics/range";
import { respond } from "@/lib/analytics/respond";
import { messagesReport } from "@/lib/analytics/messages";

export const dynamic = "force-dynamic";

/** Messages per day by type and by device, top senders, ingest latency and the unread backlog over a UTC date range. Admins only. With format=csv&chart=<name>, one chart's rows as CSV. */
export const GET = route({ auth: "admin", query: analyticsQuerySchema }, async ({ input }) => respond("messages", await messagesReport(getDb(), resolveRange(input.query)), input.query));
