import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { cancelJob, jobParams } from "@/lib/jobs/admin";

export const dynamic = "force-dynamic";

/** Cancels a job that has not finished. */
export const POST = route({ auth: "admin", params: jobParams }, async ({ input }) => ({ job: await cancelJob(getDb(), input.params.queue, input.params.id) }));
