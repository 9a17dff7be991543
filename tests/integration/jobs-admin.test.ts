import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as overview } from "@/app/api/v1/admin/jobs/route";
import { GET as listJobs, POST as runQueue } from "@/app/api/v1/admin/jobs/[queue]/route";
import { GET as getJob } from "@/app/api/v1/admin/jobs/[queue]/[id]/route";
import { POST as retryJob } from "@/app/api/v1/admin/jobs/[queue]/[id]/retry/route";
import { POST as cancelJob } from "@/app/api/v1/admin/jobs/[queue]/[id]/cancel/route";
import { dispatcherJobs } from "@/lib/jobs/dispatcher";
import { webhooksConsumer } from "@/lib/webhooks/consumer";
import { webhookJobs } from "@/lib/webhooks/jobs";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { startTestJobs } from "@/tests/helpers/jobs";

/** The admin jobs API over a queue of this file's own, driven with pg-boss's API (no workers). */
const queue = `admin-test-${randomBytes(4).toString("hex")}`;
/** A scheduled queue of this file's own; its cron (1 January) does not fire during a run, and no worker takes its jobs. */
const scheduled = `admin-scheduled-${randomBytes(4).toString("hex")}`;
let jobs: Awaited<ReturnType<typeof startTestJobs>>;
let admin: TestUser;

beforeAll(async () => {
  jobs = await startTestJobs({ registrars: [dispatcherJobs({ consumers: [webhooksConsumer] }), webhookJobs] });
  await jobs.boss.createQueue(queue, { name: queue, retryLimit: 0 });
  await jobs.boss.createQueue(scheduled, { name: scheduled, policy: "short" });
  await jobs.boss.schedule(scheduled, "0 0 1 1 *", { sweep: "all" });
  admin = await makeUser({ role: "admin" });
});
afterAll(async () => {
  await jobs.boss.unschedule(scheduled);
  await jobs.stop();
});

/** Sends a job and, when asked, runs it to failure the way a worker would. */
async function job(data: object, options: { fail?: string; startAfter?: number } = {}): Promise<string> {
  // A job to fail jumps the queue (priority), so the fetch below takes this one.
  const id = (await jobs.boss.send(queue, data, { ...(options.startAfter ? { startAfter: options.startAfter } : {}), ...(options.fail ? { priority: 100 } : {}) }))!;
  if (options.fail) {
    const [fetched] = await jobs.boss.fetch(queue);
    expect(fetched?.id).toBe(id);
    await jobs.boss.fail(queue, id, new Error(options.fail));
  }
  return id;
}

describe("jobs admin API", () => {
  it("is for administrators only", async () => {
    const member = await makeUser();
    for (const attempt of [
      await call(overview, { key: member.key }),
      await call(listJobs, { key: member.key, params: { queue } }),
      await call(retryJob, { method: "POST", key: member.key, params: { queue, id: randomUUID() } }),
    ]) {
      expect(attempt.status).toBe(403);
    }
    expect((await call(overview, {})).status).toBe(401);
  });

  it("lists queues with counts by state, and the cron schedules", async () => {
    await job({ n: 1 });
    await job({ n: 2 }, { startAfter: 3600 });
    await job({ n: 3 }, { fail: "boom" });
    const result = await call(overview, { key: admin.key });
    expect(result.status).toBe(200);
    const mine = result.body.queues.find((q: { name: string }) => q.name === queue);
    expect(mine.counts).toEqual({ created: 2, scheduled: 1, retry: 0, active: 0, completed: 0, cancelled: 0, failed: 1, archived: 0 });
    const names = result.body.queues.map((q: { name: string }) => q.name);
    expect(names).toEqual(expect.arrayContaining(["outbox-dispatch", "outbox-webhooks", "webhook-deliver", "webhook-retention"]));
    expect(result.body.schedules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "webhook-retention", cron: "41 3 * * *", timezone: "UTC" }),
        expect.objectContaining({ name: "outbox-retention", cron: "17 3 * * *" }),
      ]),
    );
  });

  it("lists a queue's jobs by state with their attempts and errors, and pages them", async () => {
    const failed = await job({ kind: "list", secretish: "x".repeat(400) }, { fail: "the endpoint said no" });
    const page = await call(listJobs, { key: admin.key, params: { queue }, query: { state: "failed" } });
    expect(page.status).toBe(200);
    const row = page.body.data.find((j: { id: string }) => j.id === failed);
    expect(row).toMatchObject({ queue, state: "failed", archived: false, attempts: 1, retryCount: 0, error: "the endpoint said no" });
    expect(row.dataSummary.length).toBeLessThanOrEqual(300);
    expect(page.body.data.every((j: { state: string }) => j.state === "failed")).toBe(true);

    for (let i = 0; i < 3; i++) await job({ kind: "page", i });
    const first = await call(listJobs, { key: admin.key, params: { queue }, query: { limit: 2 } });
    expect(first.body).toMatchObject({ hasMore: true });
    const seen = new Set<string>(first.body.data.map((j: { id: string }) => j.id));
    let cursor = first.body.nextCursor;
    while (cursor) {
      const next = await call(listJobs, { key: admin.key, params: { queue }, query: { limit: 2, cursor } });
      for (const j of next.body.data) {
        expect(seen.has(j.id)).toBe(false);
        seen.add(j.id);
      }
      cursor = next.body.nextCursor;
    }
    const all = await call(listJobs, { key: admin.key, params: { queue }, query: { limit: 500 } });
    expect(seen.size).toBe(all.body.data.length);

    expect((await call(listJobs, { key: admin.key, params: { queue }, query: { state: "exploded" } })).status).toBe(422);
    expect((await call(listJobs, { key: admin.key, params: { queue }, query: { cursor: "nope" } })).status).toBe(422);
    expect((await call(listJobs, { key: admin.key, params: { queue: "no-such-queue" } })).status).toBe(404);
  });

  it("retries a failed job and shows its history", async () => {
    const id = await job({ kind: "retry" }, { fail: "first try failed" });
    const detail = await call(getJob, { key: admin.key, params: { queue, id } });
    expect(detail.body.job).toMatchObject({ id, state: "failed", data: { kind: "retry" }, output: expect.objectContaining({ message: "first try failed" }) });
    expect(detail.body.job.history.map((h: { event: string }) => h.event)).toEqual(["created", "started", "failed"]);

    const retried = await call(retryJob, { method: "POST", key: admin.key, params: { queue, id } });
    expect(retried.status).toBe(200);
    expect(retried.body.job).toMatchObject({ id, state: "retry" });
    // Only failed jobs can be retried.
    expect((await call(retryJob, { method: "POST", key: admin.key, params: { queue, id } })).status).toBe(409);
    // A worker now picks it up again.
    const [again] = await jobs.boss.fetch(queue);
    expect(again?.id).toBe(id);
  });

  it("runs a scheduled queue now with its schedule's data; a queue with no schedule is a 409", async () => {
    const member = await makeUser();
    expect((await call(runQueue, { method: "POST", key: member.key, params: { queue: scheduled } })).status).toBe(403);
    const ran = await call(runQueue, { method: "POST", key: admin.key, params: { queue: scheduled } });
    expect(ran.status).toBe(201);
    expect(ran.body.job).toMatchObject({ queue: scheduled, state: "created", data: { sweep: "all" } });
    const waiting = await call(listJobs, { key: admin.key, params: { queue: scheduled }, query: { state: "created" } });
    expect(waiting.body.data.map((j: { id: string }) => j.id)).toEqual([ran.body.job.id]);
    // The queue's "short" policy holds one waiting job: a second run says why it made none.
    const again = await call(runQueue, { method: "POST", key: admin.key, params: { queue: scheduled } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already waiting/);
    // The schedule itself is unchanged.
    const schedules = (await call(overview, { key: admin.key })).body.schedules;
    expect(schedules).toContainEqual(expect.objectContaining({ name: scheduled, cron: "0 0 1 1 *", data: { sweep: "all" } }));

    const unscheduled = await call(runQueue, { method: "POST", key: admin.key, params: { queue } });
    expect(unscheduled.status).toBe(409);
    expect(unscheduled.body.detail).toMatch(/has no schedule/);
    expect((await call(runQueue, { method: "POST", key: admin.key, params: { queue: "no-such-queue" } })).status).toBe(404);
  });

  it("cancels a job that has not run, and refuses to cancel a finished one", async () => {
    const id = await job({ kind: "cancel" }, { startAfter: 3600 });
    const cancelled = await call(cancelJob, { method: "POST", key: admin.key, params: { queue, id } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job).toMatchObject({ id, state: "cancelled" });
    expect((await call(cancelJob, { method: "POST", key: admin.key, params: { queue, id } })).status).toBe(409);
    expect((await call(cancelJob, { method: "POST", key: admin.key, params: { queue, id: randomUUID() } })).status).toBe(404);
    expect((await call(cancelJob, { method: "POST", key: admin.key, params: { queue, id: "not-a-uuid" } })).status).toBe(404);
  });
});
