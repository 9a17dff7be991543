import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { getDatabase } from "@/lib/db/client";
import { getBoss, startJobs } from "@/lib/jobs/boss";
import { HEARTBEAT_QUEUE, lastHeartbeatAt, registerHeartbeat } from "@/lib/jobs/heartbeat";
import { renderMetrics } from "@/lib/metrics/metrics";
import { createRealtimeEmitter, publish, setRealtimeEmitter, setRealtimeServer } from "@/lib/realtime/publish";
import { connectRedis } from "@/lib/realtime/redis";
import { handleWorkerRequest } from "@/server/worker-probes";
import { makeUser } from "@/tests/helpers/factories";
import { logLines } from "@/tests/helpers/logs";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";

/** What a ROLE=worker process relies on: publishing without Socket.IO, its probes, and the heartbeat job. */
const redisUrl = inject("redisUrl");
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  setRealtimeEmitter(undefined);
  setRealtimeServer(undefined);
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function probeServer(pool: pg.Pool): Promise<string> {
  const server: Server = createServer((req, res) => void handleWorkerRequest(req, res, { pool, requestId: "req-probe" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the worker role", () => {
  it.skipIf(!redisUrl)("publishes through the Redis emitter to sockets on web instances, inside its own key prefix only", async () => {
    const prefix = `mhtest-${randomBytes(4).toString("hex")}`;
    const web = await startRealtimeServer({ redisUrl: redisUrl!, redisKeyPrefix: prefix });
    cleanups.push(web.close);
    const redis = await connectRedis(redisUrl!);
    cleanups.push(async () => void (await redis.quit()));
    const alice = await makeUser();
    const socket = await connectClient(web.url, alice.key);
    cleanups.push(async () => void socket.close());
    await sleep(200); // the adapter subscribes on connect of its Redis clients

    // A worker: no Socket.IO server in the process, only the emitter.
    setRealtimeServer(undefined);
    const received = nextEvent<{ n: number }>(socket, "hub:message");
    // Another hub sharing this Redis under another prefix does not reach our sockets…
    setRealtimeEmitter(createRealtimeEmitter(redis, `${prefix}-other`));
    publish(`user:${alice.user.id}`, "hub:message", { n: 0 });
    // …ours does.
    setRealtimeEmitter(createRealtimeEmitter(redis, prefix));
    publish(`user:${alice.user.id}`, "hub:message", { n: 1 });
    expect(await received).toEqual({ n: 1 });
  });

  it.skipIf(!redisUrl)("drops an event with a warning, not the process, when Redis is gone", async () => {
    const redis = await connectRedis(redisUrl!);
    await redis.quit();
    setRealtimeServer(undefined);
    setRealtimeEmitter(createRealtimeEmitter(redis, "mh"));
    expect(() => publish("user:usr_nobody", "hub:message", { n: 2 })).not.toThrow();
    const deadline = Date.now() + 2000;
    while (!logLines().some((line) => line.msg === "realtime event not published: Redis unavailable") && Date.now() < deadline) await sleep(20);
    expect(logLines().some((line) => line.msg === "realtime event not published: Redis unavailable")).toBe(true);
    setRealtimeEmitter(undefined);
  });

  it("answers /api/health and /api/ready on its port, and nothing else", async () => {
    const url = await probeServer(getDatabase().pool);
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    expect(await (await fetch(`${url}/api/ready`)).json()).toEqual({ status: "ready", database: "ok", migrations: "applied" });

    const other = await fetch(`${url}/api/v1/messages`);
    expect(other.status).toBe(404);
    expect(other.headers.get("content-type")).toBe("application/problem+json");
    expect(await other.json()).toMatchObject({ status: 404, requestId: "req-probe" });
    const post = await fetch(`${url}/api/ready`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("reports not ready, as problem+json, when its database is unreachable", async () => {
    // A port nothing listens on: the OS hands out a free one and we close it again.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const pool = new pg.Pool({ connectionString: `postgres://nobody@127.0.0.1:${port}/none`, connectionTimeoutMillis: 2000 });
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    const res = await fetch(`${await probeServer(pool)}/api/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 503, detail: "The database is not reachable" });
  });

  it("records the heartbeat's last run, which /api/metrics exports", async () => {
    const boss = await startJobs(getDatabase().url, { registrars: [registerHeartbeat], runWorkers: true, max: 2, lockAcrossInstances: inject("databaseKind") === "postgres" });
    cleanups.push(async () => {
      await boss.stop({ graceful: false, wait: true });
    });
    expect(getBoss()).toBe(boss);
    // The cron tick comes once a minute; a job sent now travels the same queue and worker.
    const before = Date.now();
    const id = await boss.send(HEARTBEAT_QUEUE, {});
    const deadline = Date.now() + 20_000;
    while ((await boss.getJobById(HEARTBEAT_QUEUE, id!))?.state !== "completed") {
      if (Date.now() > deadline) throw new Error("the heartbeat job did not complete");
      await sleep(200);
    }
    const at = await lastHeartbeatAt(getDatabase().pool);
    expect(at!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(logLines().some((line) => line.msg === "scheduler heartbeat" && line.jobId === id)).toBe(true);

    const { body } = await renderMetrics();
    const value = Number(/^hub_jobs_heartbeat_last_success_timestamp_seconds (\S+)$/m.exec(body)?.[1]);
    expect(value).toBeCloseTo(at!.getTime() / 1000, 0);
    // The schedule is registered for every worker to watch.
    const schedules = await boss.getSchedules();
    expect(schedules.find((schedule) => schedule.name === HEARTBEAT_QUEUE)).toMatchObject({ cron: "* * * * *", timezone: "UTC" });
  });
});
