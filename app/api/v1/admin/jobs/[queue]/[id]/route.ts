import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getJob, jobParams } from "@/lib/jobs/admin";

export const dynamic = "force-dynamic";

/** One job: data, output (errors), its timeline and its related jobs. */
export const GET = route({ auth: "admin", params: jobParams }, async ({ input }) => ({ job: await getJob(getDb(), input.params.queue, input.params.id) }));
