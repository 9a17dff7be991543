import { z } from "zod";
import type { ApiOperation, ApiTag, SameShape, Serialized } from "@/lib/http/openapi";
import { JOB_STATES, jobParams, listJobsQuerySchema, queueParams, type JobDetail, type listJobs, type listQueues } from "@/lib/jobs/admin";

const tag = "Jobs";

export const jobTags: ApiTag[] = [{ name: tag, description: "Administrators: the pg-boss queues with their jobs by state, the cron schedules, and retrying, cancelling or running a job by hand. See lib/jobs/README.md." }];

const countsSchema = z.object({
  created: z.number().int(),
  retry: z.number().int(),
  active: z.number().int(),
  completed: z.number().int(),
  cancelled: z.number().int(),
  failed: z.number().int(),
  scheduled: z.number().int().meta({ description: "Created jobs whose start is still in the future (also counted in created)." }),
  archived: z.number().int().meta({ description: "Finished jobs moved to the archive." }),
});

const queueSchema = z.object({
  name: z.string(),
  policy: z.string().meta({ description: "pg-boss's queue policy: standard, short, singleton or stately." }),
  retryLimit: z.number().int().nullable(),
  retryDelay: z.number().int().nullable().meta({ description: "Seconds." }),
  retryBackoff: z.boolean().nullable(),
  expireInSeconds: z.number().int().nullable(),
  deadLetter: z.string().nullable(),
  createdOn: z.string(),
  counts: countsSchema.meta({ description: "Live jobs by state, and archived ones." }),
});

const scheduleSchema = z.object({
  name: z.string().meta({ description: "The queue it sends to." }),
  cron: z.string(),
  timezone: z.string().nullable(),
  data: z.unknown().optional().meta({ description: "The data each job gets (null when none)." }),
  options: z.unknown().optional().meta({ description: "The send options each job gets (null when none)." }),
  createdOn: z.string(),
  updatedOn: z.string(),
});

const queuesResponse = z.object({ queues: z.array(queueSchema), schedules: z.array(scheduleSchema) });
const _queuesShape: SameShape<z.output<typeof queuesResponse>, Serialized<Awaited<ReturnType<typeof listQueues>>>> = true;

const jobSchema = z.object({
  id: z.string(),
  queue: z.string(),
  state: z.enum(JOB_STATES),
  archived: z.boolean().meta({ description: "Finished and moved to pg-boss's archive." }),
  priority: z.number().int(),
  dataSummary: z.string().meta({ description: "The job's data as JSON, cut at 300 characters; the job's own endpoint has it whole." }),
  attempts: z.number().int().meta({ description: "Runs so far: retries plus the first run, once started." }),
  retryCount: z.number().int(),
  retryLimit: z.number().int(),
  singletonKey: z.string().nullable(),
  startAfter: z.string(),
  startedOn: z.string().nullable(),
  createdOn: z.string(),
  completedOn: z.string().nullable(),
  error: z.string().nullable().meta({ description: "The last failure's message, for jobs that failed or wait to retry." }),
});
const jobPageSchema = z.object({ data: z.array(jobSchema), nextCursor: z.string().nullable(), hasMore: z.boolean() });
const _jobPageShape: SameShape<z.output<typeof jobPageSchema>, Serialized<Awaited<ReturnType<typeof listJobs>>>> = true;

const jobDetailSchema = jobSchema.extend({
  data: z.unknown().optional().meta({ description: "The job's data, whole (null when none)." }),
  output: z.unknown().optional().meta({ description: "What the handler returned, or the error it threw (null when none)." }),
  keepUntil: z.string(),
  history: z.array(z.object({ at: z.string(), event: z.string(), detail: z.string().optional() })).meta({ description: "A timeline rebuilt from the job's timestamps and retry count (pg-boss keeps only a job's latest state)." }),
  related: z.array(jobSchema).meta({ description: "Up to 50 other jobs of the queue with the same singleton key, such as one webhook delivery's attempts." }),
});
const _jobDetailShape: SameShape<z.output<typeof jobDetailSchema>, Serialized<JobDetail>> = true;
const jobResponse = z.object({ job: jobDetailSchema });

const jobNotFound = { 404: { description: "No such job in this queue" } };
const runnerDown = { 503: { description: "The job runner is not running" } };

export const jobOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/admin/jobs",
    tag,
    summary: "Every queue with its job counts by state, and the cron schedules",
    auth: "admin",
    responses: { 200: { description: "Queues and schedules", schema: queuesResponse } },
  },
  {
    method: "post",
    path: "/api/v1/admin/jobs/{queue}",
    tag,
    summary: "Run a scheduled queue now",
    description: "Sends one job with the schedule's data and options, as its cron would; the schedule itself is unchanged.",
    auth: "admin",
    params: queueParams,
    responses: {
      201: { description: "The job", schema: jobResponse },
      404: { description: "No such queue" },
      409: { description: "The queue has no schedule (its jobs come from the hub's own events), or its policy refuses a second waiting job" },
      ...runnerDown,
    },
  },
  {
    method: "get",
    path: "/api/v1/admin/jobs/{queue}",
    tag,
    summary: "A queue's jobs, newest first, live and archived",
    auth: "admin",
    params: queueParams,
    query: listJobsQuerySchema,
    responses: { 200: { description: "A page of jobs", schema: jobPageSchema }, 404: { description: "No such queue" } },
  },
  {
    method: "get",
    path: "/api/v1/admin/jobs/{queue}/{id}",
    tag,
    summary: "One job: its full data and output, a timeline and related jobs",
    auth: "admin",
    params: jobParams,
    responses: { 200: { description: "The job", schema: jobResponse }, ...jobNotFound },
  },
  {
    method: "post",
    path: "/api/v1/admin/jobs/{queue}/{id}/retry",
    tag,
    summary: "Put a failed job back in its queue",
    description: "Through pg-boss's own retry: the same job (same id) is tried again, with its retry limit raised by one.",
    auth: "admin",
    params: jobParams,
    responses: { 200: { description: "The job after the change", schema: jobResponse }, ...jobNotFound, 409: { description: "The job has not failed, or is archived" }, ...runnerDown },
  },
  {
    method: "post",
    path: "/api/v1/admin/jobs/{queue}/{id}/cancel",
    tag,
    summary: "Cancel a job that has not finished",
    description: "A job that is created, waiting to retry, or active.",
    auth: "admin",
    params: jobParams,
    responses: { 200: { description: "The job after the change", schema: jobResponse }, ...jobNotFound, 409: { description: "The job has already finished, or is archived" }, ...runnerDown },
  },
];
