import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { syncTasksQuerySchema } from "@/lib/tasks/schemas";
import { syncTasks } from "@/lib/tasks/sync";

export const dynamic = "force-dynamic";

/**
 * Task changes after `since`, in order: `{changes: [task & {deleted}], cursor, hasMore}`.
 * Paging until hasMore is false yields every change exactly once (lib/sync/README.md).
 */
export const GET = route({ auth: "user", scopes: ["tasks:read"], query: syncTasksQuerySchema }, async ({ input, actor }) =>
  syncTasks(getDb(), actor.userId, { since: input.query.since, limit: input.query.limit }),
);
