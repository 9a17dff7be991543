import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { seriesHistory } from "@/lib/tasks/get";

export const dynamic = "force-dynamic";

/** A recurring task's series: every occurrence (open, done, skipped, deleted), oldest first. */
export const GET = route({ auth: "user", scopes: ["tasks:read"], params: idParams }, async ({ input, actor }) => seriesHistory(getDb(), actor.userId, input.params.id));
