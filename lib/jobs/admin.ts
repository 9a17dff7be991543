import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { getBoss } from "@/lib/jobs/boss";

/**
 * The jobs admin: what pg-boss holds, for the admin page and API. Reads go
 * straight to pg-boss's tables (schema pgboss) because its API has no
 * per-state counts or job listing; retry and cancel go through its API so
 * their semantics stay pg-boss's own.
 */
export const JOB_STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const;
export type JobState = (typeof JOB_STATES)[number];

export const listJobsQuerySchema = z.object({
  state: z.enum(JOB_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .max(300)
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const cursor = decodeJobCursor(value);
      if (!cursor) {
        ctx.addIssue({ code: "custom", message: "is not a cursor this server issued" });
        return z.NEVER;
      }
      return cursor;
    }),
});

export const queueParams = z.object({ queue: z.string().min(1).max(200) });
export const jobParams = z.object({ queue: z.string().min(1).max(200), id: z.uuid() });

type Counts = Record<JobState, number> & { scheduled: number; archived: number };

export type QueueView = {
  name: string;
  policy: string;
  retryLimit: number | null;
  retryDelay: number | null;
  retryBackoff: boolean | null;
  expireInSeconds: number | null;
  deadLetter: string | null;
  createdOn: string;
  /** Live jobs by state; `scheduled` is the created jobs whose start is still in the future; `archived` finished jobs moved to the archive. */
  counts: Counts;
};

export type ScheduleView = { name: string; cron: string; timezone: string | null; data: unknown; options: unknown; createdOn: string; updatedOn: string };

export type JobView = {
  id: string;
  queue: string;
  state: JobState;
  archived: boolean;
  priority: number;
  /** The job's data as JSON, cut at 300 characters (the full data is on the job's own endpoint). */
  dataSummary: string;
  /** Runs so far: retries plus the first run, once started. */
  attempts: number;
  retryCount: number;
  retryLimit: number;
  singletonKey: string | null;
  startAfter: string;
  startedOn: string | null;
  createdOn: string;
  completedOn: string | null;
  /** The last failure's message, for jobs that failed or wait to retry. */
  error: string | null;
};

export type JobDetail = JobView & {
  data: unknown;
  output: unknown;
  keepUntil: string;
  history: { at: string; event: string; detail?: string }[];
  /** Other jobs of the same queue with the same singleton key (a webhook delivery's attempts, one outbox event's consumer job). */
  related: JobView[];
};

/** A row of pgboss.job or pgboss.archive; times in epoch milliseconds. */
type JobRow = {
  id: string;
  name: string;
  state: JobState;
  archived: boolean;
  priority: number;
  data: unknown;
  retry_count: number;
  retry_limit: number;
  singleton_key: string | null;
  start_after: number;
  started_on: number | null;
  created_on: number;
  created_on_text: string;
  completed_on: number | null;
  keep_until: number;
  output: unknown;
};

const iso = (value: number | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function errorMessage(row: JobRow): string | null {
  if (row.state !== "failed" && row.state !== "retry") return null;
  const output = row.output as { message?: unknown; value?: { message?: unknown } } | null;
  const message = output?.message ?? output?.value?.message;
  return typeof message === "string" ? message.slice(0, 1000) : output ? JSON.stringify(output).slice(0, 1000) : null;
}

function toJobView(row: JobRow): JobView {
  return {
    id: row.id,
    queue: row.name,
    state: row.state,
    archived: row.archived,
    priority: row.priority,
    dataSummary: JSON.stringify(row.data ?? null).slice(0, 300),
    attempts: row.retry_count + (row.started_on ? 1 : 0),
    retryCount: row.retry_count,
    retryLimit: row.retry_limit,
    singletonKey: row.singleton_key,
    startAfter: iso(row.start_after)!,
    startedOn: iso(row.started_on),
    createdOn: iso(row.created_on)!,
    completedOn: iso(row.completed_on),
    error: errorMessage(row),
  };
}

// Timestamps as epoch milliseconds: drizzle's driver setup leaves timestamptz as text in raw queries.
const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8 as ${column}`;
const COLUMNS = sql.raw(
  `id::text as id, name, state::text as state, priority, data, retry_count, retry_limit, singleton_key, ${ms("start_after")}, ${ms("started_on")}, ${ms("created_on")}, created_on as created_at_raw, created_on::text as created_on_text, ${ms("completed_on")}, ${ms("keep_until")}, output`,
);

/** Live and archived jobs of one queue, as one relation. */
function jobsOf(queue: string, where: SQL = sql`true`): SQL {
  return sql`(select ${COLUMNS}, false as archived from pgboss.job where name = ${queue} and ${where}
    union all
    select ${COLUMNS}, true as archived from pgboss.archive where name = ${queue} and ${where})`;
}

export async function listQueues(db: Queryable): Promise<{ queues: QueueView[]; schedules: ScheduleView[] }> {
  const queues = await db.execute(sql`
    select q.name, q.policy, q.retry_limit, q.retry_delay, q.retry_backoff, q.expire_seconds, q.dead_letter, q.created_on,
      coalesce(j.created, 0)::int as created, coalesce(j.scheduled, 0)::int as scheduled, coalesce(j.retry, 0)::int as retry,
      coalesce(j.active, 0)::int as active, coalesce(j.completed, 0)::int as completed, coalesce(j.cancelled, 0)::int as cancelled,
      coalesce(j.failed, 0)::int as failed, coalesce(a.archived, 0)::int as archived
    from pgboss.queue q
    left join (
      select name,
        count(*) filter (where state = 'created') as created,
        count(*) filter (where state = 'created' and start_after > now()) as scheduled,
        count(*) filter (where state = 'retry') as retry,
        count(*) filter (where state = 'active') as active,
        count(*) filter (where state = 'completed') as completed,
        count(*) filter (where state = 'cancelled') as cancelled,
        count(*) filter (where state = 'failed') as failed
      from pgboss.job group by name
    ) j on j.name = q.name
    left join (select name, count(*) as archived from pgboss.archive group by name) a on a.name = q.name
    order by q.name`);
  const schedules = await db.execute(sql`select name, cron, timezone, data, options, created_on, updated_on from pgboss.schedule order by name`);
  return {
    queues: queues.rows.map((raw) => {
      const row = raw as Record<string, unknown>;
      return {
        name: String(row.name),
        policy: String(row.policy),
        retryLimit: row.retry_limit as number | null,
        retryDelay: row.retry_delay as number | null,
        retryBackoff: row.retry_backoff as boolean | null,
        expireInSeconds: row.expire_seconds as number | null,
        deadLetter: row.dead_letter as string | null,
        createdOn: iso(row.created_on as string)!,
        counts: {
          created: Number(row.created),
          scheduled: Number(row.scheduled),
          retry: Number(row.retry),
          active: Number(row.active),
          completed: Number(row.completed),
          cancelled: Number(row.cancelled),
          failed: Number(row.failed),
          archived: Number(row.archived),
        },
      };
    }),
    schedules: schedules.rows.map((raw) => {
      const row = raw as Record<string, unknown>;
      return {
        name: String(row.name),
        cron: String(row.cron),
        timezone: (row.timezone as string | null) ?? null,
        data: row.data ?? null,
        options: row.options ?? null,
        createdOn: iso(row.created_on as string)!,
        updatedOn: iso(row.updated_on as string)!,
      };
    }),
  };
}

async function assertQueue(db: Queryable, queue: string): Promise<void> {
  const found = await db.execute(sql`select 1 from pgboss.queue where name = ${queue}`);
  if (found.rows.length === 0) throw new AppError("not_found", "Queue not found");
}

type JobCursor = { t: string; id: string };

function encodeJobCursor(row: JobRow): string {
  return Buffer.from(JSON.stringify({ v: 1, t: row.created_on_text, id: row.id })).toString("base64url");
}

function decodeJobCursor(value: string): JobCursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { v?: unknown; t?: unknown; id?: unknown };
    if (parsed.v === 1 && typeof parsed.t === "string" && parsed.t.length <= 64 && typeof parsed.id === "string" && z.uuid().safeParse(parsed.id).success) {
      return { t: parsed.t, id: parsed.id };
    }
  } catch {
    // fall through
  }
  return null;
}

/** A queue's jobs, newest first, live and archived, optionally in one state. */
export async function listJobs(
  db: Queryable,
  queue: string,
  page: { state?: JobState; limit: number; cursor?: JobCursor },
): Promise<{ data: JobView[]; nextCursor: string | null; hasMore: boolean }> {
  await assertQueue(db, queue);
  const state = page.state ? sql`state = ${page.state}::pgboss.job_state` : sql`true`;
  const after = page.cursor ? sql`(j.created_at_raw, j.id::uuid) < (${page.cursor.t}::timestamptz, ${page.cursor.id}::uuid)` : sql`true`;
  const result = await db.execute(sql`select * from ${jobsOf(queue, state)} j where ${after} order by j.created_at_raw desc, j.id::uuid desc limit ${page.limit + 1}`);
  const rows = result.rows as unknown as JobRow[];
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  return { data: pageRows.map(toJobView), hasMore, nextCursor: hasMore ? encodeJobCursor(pageRows[pageRows.length - 1]!) : null };
}

async function findJob(db: Queryable, queue: string, id: string): Promise<JobRow> {
  const result = await db.execute(sql`select * from ${jobsOf(queue, sql`id = ${id}::uuid`)} j`);
  const row = result.rows[0] as JobRow | undefined;
  if (!row) throw new AppError("not_found", "Job not found");
  return row;
}

/** One job with its data, output, a timeline, and the jobs that share its singleton key. */
export async function getJob(db: Queryable, queue: string, id: string): Promise<JobDetail> {
  const row = await findJob(db, queue, id);
  const related = row.singleton_key
    ? ((await db.execute(sql`select * from ${jobsOf(queue, sql`singleton_key = ${row.singleton_key} and id <> ${id}::uuid`)} j order by j.created_at_raw limit 50`)).rows as unknown as JobRow[])
    : [];
  return { ...toJobView(row), data: row.data ?? null, output: row.output ?? null, keepUntil: iso(row.keep_until)!, history: history(row), related: related.map(toJobView) };
}

/**
 * pg-boss keeps a job's latest state, not an event log, so the timeline is
 * rebuilt from its timestamps and retry count.
 */
function history(row: JobRow): JobDetail["history"] {
  const events: JobDetail["history"] = [{ at: iso(row.created_on)!, event: "created" }];
  if (row.start_after - row.created_on > 1000) events.push({ at: iso(row.start_after)!, event: row.started_on ? "became due" : "scheduled to start" });
  if (row.retry_count > 0) events.push({ at: iso(row.started_on ?? row.start_after)!, event: "retried", detail: `${row.retry_count} of ${row.retry_limit} retries used` });
  if (row.started_on) events.push({ at: iso(row.started_on)!, event: "started", detail: `attempt ${row.retry_count + 1}` });
  if (row.completed_on) events.push({ at: iso(row.completed_on)!, event: row.state, detail: errorMessage(row) ?? undefined });
  else if (row.state === "retry") events.push({ at: iso(row.start_after)!, event: "waiting to retry", detail: errorMessage(row) ?? undefined });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

function runner() {
  const boss = getBoss();
  if (!boss) throw new AppError("unavailable", "The job runner is not running; try again shortly");
  return boss;
}

/** Puts a failed job back in the queue with one more retry. */
export async function retryJob(db: Queryable, queue: string, id: string): Promise<JobDetail> {
  const row = await findJob(db, queue, id);
  if (row.archived) throw new AppError("conflict", "This job is archived and can no longer be retried");
  if (row.state !== "failed") throw new AppError("conflict", `Only failed jobs can be retried; this one is ${row.state}`);
  await runner().retry(queue, id);
  return getJob(db, queue, id);
}

/** Cancels a job that has not finished (created, retry or active). */
export async function cancelJob(db: Queryable, queue: string, id: string): Promise<JobDetail> {
  const row = await findJob(db, queue, id);
  if (row.archived || !["created", "retry", "active"].includes(row.state)) throw new AppError("conflict", `Only jobs that have not finished can be cancelled; this one is ${row.state}`);
  await runner().cancel(queue, id);
  return getJob(db, queue, id);
}

/**
 * Runs a scheduled queue now: sends one job with the schedule's data and
 * options, as its cron would, without changing the schedule. A queue with
 * no schedule is a 409 (its jobs come from the hub's own events).
 */
export async function runScheduleNow(db: Queryable, queue: string): Promise<JobDetail> {
  const found = await db.execute(sql`select data, options from pgboss.schedule where name = ${queue}`);
  const schedule = found.rows[0] as { data: object | null; options: object | null } | undefined;
  if (!schedule) {
    await assertQueue(db, queue);
    throw new AppError("conflict", `${queue} has no schedule; only scheduled queues can be run by hand`);
  }
  const id = await runner().send(queue, schedule.data ?? {}, schedule.options ?? {});
  if (!id) throw new AppError("conflict", `${queue} refused the job: one is already waiting and its policy allows no second`);
  return getJob(db, queue, id);
}
