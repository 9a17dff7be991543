import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listJobs, listJobsQuerySchema, queueParams } from "@/lib/jobs/admin";

export const dynamic = "force-dynamic";

/** A queue's jobs, newest first, live and archived; `?state=` narrows to one state. */
export const GET = route({ auth: "admin", params: queueParams, query: listJobsQuerySchema }, async ({ input }) =>
  listJobs(getDb(), input.params.queue, input.query),
);
