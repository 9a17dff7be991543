import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { jobParams, retryJob } from "@/lib/jobs/admin";

export const dynamic = "force-dynamic";

/** Puts a failed job back in its queue. */
export const POST = route({ auth: "admin", params: jobParams }, async ({ input }) => ({ job: await retryJob(getDb(), input.params.queue, input.params.id) }));
