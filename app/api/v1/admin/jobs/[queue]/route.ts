import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { listJobs, listJobsQuerySchema, queueParams, runScheduleNow } from "@/lib/jobs/admin";

export const dynamic = "force-dynamic";

/** A queue's jobs, newest first, live and archived; `?state=` narrows to one state. */
export const GET = route({ auth: "admin", params: queueParams, query: listJobsQuerySchema }, async ({ input }) =>
  listJobs(getDb(), input.params.queue, input.query),
);

/** Runs a scheduled queue now, with its schedule's data, as its cron would: 201 {job}. */
export const POST = route({ auth: "admin", params: queueParams }, async ({ input }) => created({ job: await runScheduleNow(getDb(), input.params.queue) }));
