import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listQueues } from "@/lib/jobs/admin";

export const dynamic = "force-dynamic";

/** Every queue with its job counts by state, and the cron schedules. */
export const GET = route({ auth: "admin" }, async () => listQueues(getDb()));
