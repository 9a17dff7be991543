import { listAuditEvents } from "@/lib/audit/list";
import { auditQuerySchema } from "@/lib/audit/schemas";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The audit log, newest first; filter by `action`, `actor` (user id), `since` and `until`. */
export const GET = route({ auth: "admin", query: auditQuerySchema }, async ({ input }) => listAuditEvents(getDb(), input.query));
