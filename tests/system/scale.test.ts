import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import PgBoss from "pg-boss";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HEARTBEAT_QUEUE } from "@/lib/jobs/heartbeat";
import { createRealtimeEmitter, publish, setRealtimeEmitter } from "@/lib/realtime/publish";
import { connectRedis, type RedisClient } from "@/lib/realtime/redis";
import { jsonLogs, startHub, type HubProcess } from "@/tests/helpers/process";
import { connectClient, nextEvent } from "@/tests/helpers/realtime";
import { startTcpProxy, type TcpProxy } from "@/tests/helpers/tcp-proxy";

/**
 * Several processes on one PostgreSQL and one Redis act as one hub: two web
 * instances (A and B, ROLE=web) and two workers (ROLE=worker). Each test
 * proves one thing a single instance gives for free.
 *
 * Not yet provable here, because the features are not on this branch: an
 * inbox message ingested on A reaching B (no route publishes yet; the
 * realtime test below publishes through the very function jobs and routes
 * call), a room conversation with presence across instances, and a reminder
 * job (the heartbeat cron stands in for it). See docs/scaling.md.
 */
const adminUrl = inject("adminDatabaseUrl");
const redisUrl = inject("redisUrl");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(hub: { url: string }, path: string, body: unknown, key?: string): Promise<Response> {
  return fetch(`${hub.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe.skipIf(!adminUrl || !redisUrl)("several instances act as one", () => {
  const dbName = `mh_scale_${randomBytes(4).toString("hex")}`;
  // Our own Redis namespace: other hubs (and other test runs) may share this Redis.
  const prefix = `mhtest-${randomBytes(4).toString("hex")}`;
  const setupBody = { email: "admin@scale.test", password: "a long enough password", name: "Scale Admin" };
  let databaseUrl: string;
  let a: HubProcess;
  let b: HubProcess;
  let workers: HubProcess[] = [];
  let pool: pg.Pool;
  let redis: RedisClient;
  let key: string;
  let userId: string;
  let bootStartedAt: number;
  const manualJobIds: string[] = [];
  const sockets: Socket[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl! });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(adminUrl!);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();

    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix };
    bootStartedAt = Date.now();
    // All four boot at once on an empty database: migrations, the job schema
    // and the workers' queue and schedule must all survive the race.
    const started = await Promise.all([
      startHub({ ...env, ROLE: "web" }, { readyTimeoutMs: 100_000 }),
      startHub({ ...env, ROLE: "web" }, { readyTimeoutMs: 100_000 }),
      startHub({ ...env, ROLE: "worker" }, { readyTimeoutMs: 100_000 }),
      startHub({ ...env, ROLE: "worker" }, { readyTimeoutMs: 100_000 }),
    ]);
    [a, b] = [started[0]!, started[1]!];
    workers = [started[2]!, started[3]!];

    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    // The test process publishes the way a worker does: through the Redis emitter.
    redis = await connectRedis(redisUrl!);
    setRealtimeEmitter(createRealtimeEmitter(redis, prefix));

    const setup = await post(a, "/api/v1/setup", setupBody);
    expect(setup.status).toBe(201);
    const body = (await setup.json()) as { user: { id: string }; key: string };
    key = body.key;
    userId = body.user.id;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(proxies.map((proxy) => proxy.close()));
    setRealtimeEmitter(undefined);
    await redis?.quit().catch(() => {});
    await pool?.end();
    await Promise.all([a, b, ...workers].filter(Boolean).map((hub) => hub.stop("SIGKILL")));
    const admin = new pg.Client({ connectionString: adminUrl! });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it("boots web instances without job workers and workers without Next, each saying so", () => {
    for (const web of [a, b]) {
      expect(jsonLogs(web.logs).find((line) => line.msg === "job runner started")).toMatchObject({ runWorkers: false, role: "web" });
    }
    for (const worker of workers) {
      expect(jsonLogs(worker.logs).find((line) => line.msg === "job runner started")).toMatchObject({ runWorkers: true, role: "worker" });
    }
  });

  it("answers only the probes on a worker's port", async () => {
    const worker = workers[0]!;
    expect((await fetch(`${worker.url}/api/health`)).status).toBe(200);
    expect(await (await fetch(`${worker.url}/api/ready`)).json()).toEqual({ status: "ready", database: "ok", migrations: "applied" });
    const me = await fetch(`${worker.url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(404);
    expect(me.headers.get("content-type")).toBe("application/problem+json");
    expect(await me.json()).toMatchObject({ status: 404, requestId: me.headers.get("x-request-id") });
  });

  it("delivers an event published for a user to that user's sockets on both web instances, and nobody else's", async () => {
    const onA = await connectClient(a.url, key);
    const onB = await connectClient(b.url, key);
    sockets.push(onA, onB);
    const gotA = nextEvent(onA, "hub:message");
    const gotB = nextEvent(onB, "hub:message");
    // Published in this order on one Redis connection, so delivered in this
    // order: if the other user's event leaked, it would arrive first.
    publish("user:usr_someoneelse", "hub:message", { id: "not yours" });
    const payload = { id: randomUUID(), position: 1 };
    publish(`user:${userId}`, "hub:message", payload);
    expect(await gotA).toEqual(payload);
    expect(await gotB).toEqual(payload);
  });

  it("shares a rate limit across instances: the setup limit (10 an hour per address) counts A and B together", async () => {
    // beforeAll's setup on A took the first point.
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 10; i++) {
      last = await post(i % 2 === 0 ? b : a, "/api/v1/setup", setupBody);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(409));
    expect(statuses[9]).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("runs each job once though two workers poll the same queue", async () => {
    const boss = new PgBoss({ connectionString: databaseUrl, schema: "pgboss", supervise: false, schedule: false, migrate: false, max: 2 });
    boss.on("error", () => {});
    await boss.start();
    for (let i = 0; i < 10; i++) {
      const id = await boss.send(HEARTBEAT_QUEUE, { sentBy: "scale test", i });
      manualJobIds.push(id!);
    }
    await boss.stop({ graceful: false, wait: true });

    const deadline = Date.now() + 60_000;
    for (;;) {
      const done = await pool.query<{ n: number }>("select count(*)::int as n from pgboss.job where id = any($1::uuid[]) and state = 'completed'", [manualJobIds]);
      if (done.rows[0]!.n === manualJobIds.length) break;
      if (Date.now() > deadline) throw new Error(`only ${done.rows[0]!.n} of ${manualJobIds.length} jobs completed`);
      await sleep(500);
    }
    const ranOn = workers.map((worker) =>
      jsonLogs(worker.logs)
        .filter((line) => line.msg === "scheduler heartbeat" && manualJobIds.includes(line.jobId as string))
        .map((line) => line.jobId as string),
    );
    // Every job ran, none twice, and both workers took a share (each fetches one job per 2 s poll).
    expect(ranOn.flat().sort()).toEqual([...manualJobIds].sort());
    expect(ranOn[0]!.length).toBeGreaterThan(0);
    expect(ranOn[1]!.length).toBeGreaterThan(0);
  });

  it("loses no acknowledged write when A is SIGKILLed mid-traffic, and A's socket resumes on B", async () => {
    const proxy = await startTcpProxy([a.port, b.port]);
    proxies.push(proxy);
    // Through the proxy, as clients of a real deployment connect: the first connection lands on A.
    const socket = connect(proxy.url, { auth: { token: key }, transports: ["websocket"], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 400 });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    expect(proxy.connections.get(a.port)).toBe(1);
    const reconnected = new Promise<void>((resolve) => socket.io.once("reconnect", () => resolve()));

    const acknowledged: Array<{ id: string; key: string; on: "A" | "B" }> = [];
    const unexpected: number[] = [];
    let killed = false;
    let networkErrors = 0;
    const load = async (hub: HubProcess, name: "A" | "B") => {
      for (let i = 0; i < 400; i++) {
        try {
          const res = await post(hub, "/api/v1/api-keys", { name: `load ${name} ${i}`, scopes: ["messages:read"] }, key);
          if (res.status === 201) {
            const body = (await res.json()) as { apiKey: { id: string }; key: string };
            acknowledged.push({ id: body.apiKey.id, key: body.key, on: name });
          } else {
            unexpected.push(res.status);
          }
        } catch {
          // A died under this request: it was never acknowledged.
          networkErrors++;
          if (name === "A") return;
        }
        if (killed && name === "B" && i > 0 && acknowledged.filter((row) => row.on === "B").length >= 5) return;
      }
    };
    const loads = [load(a, "A"), load(a, "A"), load(a, "A"), load(b, "B")];
    const deadline = Date.now() + 30_000;
    while (acknowledged.filter((row) => row.on === "A").length < 15 && Date.now() < deadline) await sleep(5);
    a.child.kill("SIGKILL");
    killed = true;
    await Promise.all(loads);

    expect(unexpected).toEqual([]);
    expect(networkErrors).toBeGreaterThanOrEqual(3);
    expect(acknowledged.filter((row) => row.on === "A").length).toBeGreaterThanOrEqual(15);

    // Every acknowledged key is stored: B lists it, and B accepts its secret.
    const list = await fetch(`${b.url}/api/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(list.status).toBe(200);
    const listed = new Set(((await list.json()) as { data: Array<{ id: string }> }).data.map((row) => row.id));
    expect(acknowledged.filter((row) => !listed.has(row.id))).toEqual([]);
    const authenticated = await Promise.all(
      acknowledged.map(async (row) => (await fetch(`${b.url}/api/v1/me`, { headers: { authorization: `Bearer ${row.key}` } })).status),
    );
    expect(authenticated.every((status) => status === 200)).toBe(true);

    // The socket that was on A reconnects through the proxy to B and receives events again.
    await reconnected;
    expect(proxy.connections.get(b.port)).toBeGreaterThanOrEqual(1);
    const payload = { id: randomUUID(), position: 2 };
    const got = nextEvent(socket, "hub:message");
    publish(`user:${userId}`, "hub:message", payload);
    expect(await got).toEqual(payload);
  });

  it("fires the once-a-minute heartbeat cron once per minute, with two workers watching the schedule", { timeout: 200_000 }, async () => {
    type Row = { id: string; state: string; created_on: Date };
    const manual = new Set(manualJobIds);
    const cronJobs = async () =>
      (await pool.query<Row>("select id, state, created_on from pgboss.job where name = $1 order by created_on", [HEARTBEAT_QUEUE])).rows.filter((row) => !manual.has(row.id));

    // The first tick comes within a minute of boot, seen within ~20 s.
    const deadline = Date.now() + 120_000;
    while (!(await cronJobs()).some((row) => row.state === "completed")) {
      if (Date.now() > deadline) throw new Error("no heartbeat fired within two minutes");
      await sleep(1000);
    }
    // Both workers look for due ticks every 10 s; give the later looks at
    // the same minute time to (wrongly) enqueue a second job.
    await sleep(25_000);

    const rows = await cronJobs();
    const completed = rows.filter((row) => row.state === "completed");
    // A tick's job is created within ~30 s of its minute, so its minute names its tick: one job per minute.
    const minutes = rows.map((row) => Math.floor(row.created_on.getTime() / 60_000));
    expect(new Set(minutes).size).toBe(minutes.length);
    // And no more jobs than minute ticks since boot (one tick before boot may fire if it is under a minute old).
    const ticks = Math.floor(Date.now() / 60_000) - Math.floor((bootStartedAt - 60_000) / 60_000);
    expect(rows.length).toBeLessThanOrEqual(ticks);

    // pg-boss's record of the firings agrees: one per minute slot, each turned into one job.
    const fired = await pool.query<{ slot: Date; state: string }>(
      "select singleton_on as slot, state from pgboss.job where name = '__pgboss__send-it' and data->>'name' = $1",
      [HEARTBEAT_QUEUE],
    );
    expect(new Set(fired.rows.map((row) => row.slot.getTime())).size).toBe(fired.rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(fired.rows.filter((row) => row.state === "completed").length);
    expect(rows.length).toBeLessThanOrEqual(fired.rows.length);

    // Each completed heartbeat ran on exactly one worker, once.
    const runs = workers.flatMap((worker) => jsonLogs(worker.logs).filter((line) => line.msg === "scheduler heartbeat").map((line) => line.jobId as string));
    for (const row of completed) expect(runs.filter((id) => id === row.id)).toHaveLength(1);
  });
});
