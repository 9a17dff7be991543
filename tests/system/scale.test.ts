import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import PgBoss from "pg-boss";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HEARTBEAT_QUEUE } from "@/lib/jobs/heartbeat";
import type { JoinResult, MessageView as RoomMessage, PresenceEvent, RoomEvent, TypingEvent } from "@/lib/rooms/schemas";
import { createRealtimeEmitter, publish, setRealtimeEmitter } from "@/lib/realtime/publish";
import { connectRedis, type RedisClient } from "@/lib/realtime/redis";
import { jsonLogs, startHub, type HubProcess } from "@/tests/helpers/process";
import { connectClient, nextEvent } from "@/tests/helpers/realtime";
import { startTcpProxy, type TcpProxy } from "@/tests/helpers/tcp-proxy";

/**
 * Several processes on one PostgreSQL and one Redis act as one hub: two web
 * instances (A and B, ROLE=web) and two workers (ROLE=worker), all started
 * once for the whole file. Each test proves one thing a single instance gives
 * for free: inbox messages and room conversations (with presence and typing)
 * cross instances, rate limits are shared, jobs and reminders run once, the
 * VAPID key pair created at first use is one pair, and killing an instance
 * mid-traffic loses no acknowledged message while its sockets resume on the
 * other. See docs/scaling.md.
 */
const adminUrl = inject("adminDatabaseUrl");
const redisUrl = inject("redisUrl");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Reply = { status: number; body: any };

async function api(hub: { url: string }, method: string, path: string, body?: unknown, key?: string): Promise<Reply> {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Emits with an ack and unwraps `{ok: true, ...}`; an error ack fails the test with its problem. */
async function ack<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const reply = (await socket.timeout(10_000).emitWithAck(event, payload)) as { ok: boolean; error?: unknown };
  if (!reply.ok) throw new Error(`${event} refused: ${JSON.stringify(reply.error)}`);
  return reply as T;
}

/** Resolves with the first `event` matching `match`, counting from now. */
function waitFor<T>(socket: Socket, event: string, match: (payload: T) => boolean, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, listener);
  });
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);

/** Signs in over HTTP as the sign-in page does (next-auth credentials), then makes an API key with that session. */
async function signInForKey(hub: { url: string }, email: string, password: string, scopes: string[]): Promise<string> {
  const csrf = await fetch(`${hub.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signedIn = await fetch(`${hub.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf).join("; "), origin: hub.url },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = cookiesOf(signedIn).find((cookie) => cookie.includes("session-token="));
  if (!session) throw new Error(`sign-in failed: ${signedIn.status}`);
  const made = await fetch(`${hub.url}/api/v1/api-keys`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: session, origin: hub.url },
    body: JSON.stringify({ name: "scale test", scopes }),
  });
  if (made.status !== 201) throw new Error(`api key refused: ${made.status} ${await made.text()}`);
  return ((await made.json()) as { key: string }).key;
}

/** Pages the inbox sync feed from `since` to the end: the ids it created, in order, and the new cursor. */
async function syncFrom(hub: { url: string }, key: string, since: string | undefined): Promise<{ ids: string[]; cursor: string }> {
  const ids: string[] = [];
  let cursor = since;
  for (;;) {
    const res = await api(hub, "GET", `/api/v1/sync/messages?limit=100${cursor ? `&since=${encodeURIComponent(cursor)}` : ""}`, undefined, key);
    expect(res.status).toBe(200);
    for (const change of res.body.changes as Array<{ id: string; deleted: boolean }>) if (!change.deleted) ids.push(change.id);
    cursor = res.body.cursor as string;
    if (!res.body.hasMore) return { ids, cursor };
  }
}

const sms = (externalId: string, body: string) => ({ externalId, type: "sms", sender: "+15550100", body, receivedAt: new Date().toISOString() });

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
  let deviceKey: string;
  let beaId: string;
  let beaKey: string;
  let roomId: string;
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
      startHub({ ...env, ROLE: "web" }, { readyTimeoutMs: 200_000 }),
      startHub({ ...env, ROLE: "web" }, { readyTimeoutMs: 200_000 }),
      startHub({ ...env, ROLE: "worker" }, { readyTimeoutMs: 200_000 }),
      startHub({ ...env, ROLE: "worker" }, { readyTimeoutMs: 200_000 }),
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

  it("creates one VAPID key pair when both web instances first need it at the same moment", async () => {
    // Nothing has asked for the pair yet on this fresh database: this is the first-use race.
    const before = await pool.query<{ n: number }>("select count(*)::int as n from instance_settings where key = 'vapid_keys'");
    expect(before.rows[0]!.n).toBe(0);
    const ask = async (hub: HubProcess) => {
      const res = await api(hub, "GET", "/api/v1/push/vapid-public-key", undefined, key);
      expect(res.status).toBe(200);
      return res.body.publicKey as string;
    };
    const first = await Promise.all([a, b, a, b].map(ask));
    const stored = await pool.query<{ value: string }>("select value from instance_settings where key = 'vapid_keys'");
    expect(stored.rows).toHaveLength(1);
    const { publicKey } = JSON.parse(stored.rows[0]!.value) as { publicKey: string };
    // Each instance caches the pair it settled on: both must have settled on the stored one.
    expect(first).toEqual([publicKey, publicKey, publicKey, publicKey]);
    expect(await Promise.all([a, b].map(ask))).toEqual([publicKey, publicKey]);
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

  it("delivers a message ingested on A to the owner's inbox socket on B, and one forwarded to B to the socket on A", async () => {
    const registered = await api(a, "POST", "/api/v1/devices/register", { name: "Scale phone", platform: "android" }, key);
    expect(registered.status).toBe(201);
    deviceKey = registered.body.key;
    const onA = await connectClient(a.url, key);
    const onB = await connectClient(b.url, key);
    sockets.push(onA, onB);
    type InboxEvent = { message: { id: string; body: string }; position: number };

    const first = { externalId: `cross-${randomUUID()}`, body: "ingested on A" };
    const toB = waitFor<InboxEvent>(onB, "hub:message", (event) => event.message.body === first.body);
    const sent = await api(a, "POST", "/api/v1/messages", sms(first.externalId, first.body), deviceKey);
    expect(sent.status).toBe(201);
    const onBEvent = await toB;
    expect(onBEvent.message.id).toBe(sent.body.message.id);
    expect(onBEvent.position).toBeGreaterThan(0);

    // A forwarder app's own format, sent to B, shows on A.
    const toA = waitFor<InboxEvent>(onA, "hub:message", (event) => event.message.body === "forwarded to B");
    const now = Date.now();
    const forwarded = await api(b, "POST", `/api/v1/ingest/sms-to-url?key=${deviceKey}`, { from: "+15550101", text: "forwarded to B", sentStamp: now, receivedStamp: now, sim: "SIM1" });
    expect(forwarded.status).toBe(201);
    const onAEvent = await toA;
    expect(onAEvent.message.id).toBe(forwarded.body.message.id);
    expect(onAEvent.position).toBeGreaterThan(onBEvent.position);
  });

  it("carries a room conversation across instances, with presence and typing", async () => {
    // A second person: invited on A, accepts and signs in on B.
    const invite = await api(a, "POST", "/api/v1/admin/invites", { email: "bea@scale.test", role: "member" }, key);
    expect(invite.status).toBe(201);
    const accepted = await api(b, "POST", `/api/v1/invites/${invite.body.token}/accept`, { name: "Bea Scale", password: "another long enough password" });
    expect(accepted.status).toBe(201);
    beaId = accepted.body.user.id;
    beaKey = await signInForKey(b, "bea@scale.test", "another long enough password", ["rooms:read", "rooms:write"]);
    const room = await api(a, "POST", "/api/v1/rooms", { title: "Checkout errors", severity: "sev2", members: [{ userId: beaId }] }, key);
    expect(room.status).toBe(201);
    roomId = room.body.room.id;

    const ada = await connectClient(a.url, key);
    const bea = await connectClient(b.url, beaKey);
    sockets.push(ada, bea);
    const adaJoin = await ack<JoinResult>(ada, "room:join", { roomId });
    expect(adaJoin.online).toEqual([userId]);
    const beaOnline = waitFor<PresenceEvent>(ada, "presence", (event) => event.userId === beaId && event.status === "online");
    const beaJoin = await ack<JoinResult>(bea, "room:join", { roomId });
    expect([...beaJoin.online].sort()).toEqual([userId, beaId].sort());
    expect([...(await beaOnline).online].sort()).toEqual([userId, beaId].sort());
    // The shared presence set lives under this hub's REDIS_KEY_PREFIX, like every other key.
    expect(await redis.exists(`${prefix}:presence:${roomId}`)).toBe(1);
    // Either instance's REST view of who is online agrees.
    for (const hub of [a, b]) {
      const online = await api(hub, "GET", `/api/v1/rooms/${roomId}/online`, undefined, key);
      expect(online.status).toBe(200);
      expect((online.body.data as Array<{ userId: string }>).map((user) => user.userId).sort()).toEqual([userId, beaId].sort());
    }

    // Ada sends on A over her socket; Bea on B receives it.
    const toBea = waitFor<RoomEvent & { message: RoomMessage }>(bea, "message:new", (event) => event.message.clientId === "ada-1");
    const sent = await ack<{ message: RoomMessage }>(ada, "message:send", { roomId, content: "Rolling back v42", clientId: "ada-1" });
    expect((await toBea).message).toMatchObject({ id: sent.message.id, content: "Rolling back v42", authorId: userId });

    // Bea types and replies on B; Ada on A sees both.
    const typing = waitFor<TypingEvent>(ada, "typing", (event) => event.userId === beaId && event.typing);
    await ack(bea, "typing", { roomId });
    expect((await typing).roomId).toBe(roomId);
    const toAda = waitFor<RoomEvent & { message: RoomMessage }>(ada, "message:new", (event) => event.message.authorId === beaId);
    const reply = await api(b, "POST", `/api/v1/rooms/${roomId}/messages`, { content: "Error rate is dropping" }, beaKey);
    expect(reply.status).toBe(201);
    const got = await toAda;
    expect(got.message).toMatchObject({ id: reply.body.message.id, content: "Error rate is dropping", seq: sent.message.seq + 1 });

    // Bea's tab closes on B: Ada on A sees her go offline.
    const beaOffline = waitFor<PresenceEvent>(ada, "presence", (event) => event.userId === beaId && event.status === "offline");
    bea.disconnect();
    expect((await beaOffline).online).toEqual([userId]);
    ada.disconnect();
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
    // Every job ran, none twice. How they split between the workers is not
    // fixed: a worker that finds a full batch polls again at once, so one
    // of them may drain the whole backlog.
    expect(ranOn.flat().sort()).toEqual([...manualJobIds].sort());
  });

  it("fires each task reminder exactly once, with two workers and two web instances", async () => {
    const onA = await connectClient(a.url, key);
    const onB = await connectClient(b.url, key);
    sockets.push(onA, onB);
    type Direct = { type: string; reminderId?: string; taskId?: string };
    const seenA: Direct[] = [];
    const seenB: Direct[] = [];
    onA.on("notification", (event: Direct) => seenA.push(event));
    onB.on("notification", (event: Direct) => seenB.push(event));

    // Four tasks made on both web instances, all reminding at the same moment a few seconds out.
    const at = new Date(Date.now() + 4000).toISOString();
    const made = await Promise.all([a, b, a, b].map((hub, i) => api(hub, "POST", "/api/v1/tasks", { title: `Check the dashboards ${i}`, reminders: [{ at }] }, key)));
    const taskIds = made.map((res) => {
      expect(res.status).toBe(201);
      return res.body.id as string;
    });
    const sentCount = async () =>
      (await pool.query<{ n: number }>("select count(*)::int as n from task_reminders where task_id = any($1) and sent_at is not null", [taskIds])).rows[0]!.n;
    await until(async () => (await sentCount()) === taskIds.length, "every reminder to be sent", 75_000);
    // Room for a second delivery (the other worker's poll, the minute sweep) to (wrongly) happen.
    await sleep(3000);

    const direct = (seen: Direct[]) => seen.filter((event) => event.type === "task.reminder" && event.reminderId && taskIds.includes(event.taskId!)).map((event) => event.taskId!).sort();
    expect(direct(seenA)).toEqual([...taskIds].sort());
    expect(direct(seenB)).toEqual([...taskIds].sort());
    // One outbox event per reminder, and the notifications consumer made one in-app notification of each.
    const events = await pool.query<{ task_id: string }>("select data->>'taskId' as task_id from outbox_events where type = 'task.reminder' and data->>'taskId' = any($1)", [taskIds]);
    expect(events.rows.map((row) => row.task_id).sort()).toEqual([...taskIds].sort());
    await until(
      async () => (await pool.query<{ n: number }>("select count(*)::int as n from notifications where type = 'task.reminder' and data->>'taskId' = any($1)", [taskIds])).rows[0]!.n >= taskIds.length,
      "the reminder notifications",
      30_000,
    );
    await sleep(1000);
    const notified = await pool.query<{ task_id: string }>("select data->>'taskId' as task_id from notifications where type = 'task.reminder' and data->>'taskId' = any($1)", [taskIds]);
    expect(notified.rows.map((row) => row.task_id).sort()).toEqual([...taskIds].sort());
  });

  it("loses no acknowledged message when A is SIGKILLed mid-ingest, and A's socket resumes on B from its last position", async () => {
    // The inbox client's sync cursor before the traffic: where it resumes from.
    const before = await syncFrom(b, key, undefined);

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
    const inboxLive = new Set<string>();
    socket.on("hub:message", (event: { message: { id: string } }) => inboxLive.add(event.message.id));
    const roomSeen = new Set<string>();
    let lastPosition = 0;
    socket.on("message:new", (event: RoomEvent & { message: RoomMessage }) => {
      if (event.roomId !== roomId) return;
      roomSeen.add(event.message.id);
      lastPosition = Math.max(lastPosition, event.position);
    });
    lastPosition = (await ack<JoinResult>(socket, "room:join", { roomId })).position;

    // Bea keeps talking in the room from B (10 a second is her limit) until the socket has resumed.
    const roomAcked: string[] = [];
    let roomTalk = true;
    const talk = (async () => {
      for (let i = 0; roomTalk && i < 600; i++) {
        const res = await api(b, "POST", `/api/v1/rooms/${roomId}/messages`, { content: `status ${i}` }, beaKey);
        expect(res.status).toBe(201);
        roomAcked.push(res.body.message.id);
        await sleep(150);
      }
    })();

    const acknowledged: Array<{ id: string; externalId: string; on: "A" | "B" }> = [];
    const inDoubt: string[] = [];
    const unexpected: number[] = [];
    let killed = false;
    let ackedOnBAfterKill = 0;
    const load = async (hub: HubProcess, name: "A" | "B", lane: number) => {
      for (let i = 0; i < 400; i++) {
        const externalId = `kill-${name}${lane}-${i}`;
        try {
          const res = await api(hub, "POST", "/api/v1/messages", sms(externalId, `load ${name}${lane} ${i}`), deviceKey);
          if (res.status === 201) {
            acknowledged.push({ id: res.body.message.id, externalId, on: name });
            if (killed && name === "B") ackedOnBAfterKill++;
          } else {
            unexpected.push(res.status);
          }
        } catch {
          // A died under this request: it was never acknowledged, and may or may not have committed.
          inDoubt.push(externalId);
          if (name === "A") return;
        }
        if (killed && name === "B" && ackedOnBAfterKill >= 5) return;
      }
    };
    const loads = [load(a, "A", 1), load(a, "A", 2), load(a, "A", 3), load(b, "B", 1)];
    await until(() => acknowledged.filter((row) => row.on === "A").length >= 15 && roomAcked.length >= 3, "traffic on A", 30_000);
    a.child.kill("SIGKILL");
    killed = true;
    await Promise.all(loads);

    expect(unexpected).toEqual([]);
    // All three of A's lanes had a request in flight when it died.
    expect(inDoubt.length).toBeGreaterThanOrEqual(3);
    expect(acknowledged.filter((row) => row.on === "A").length).toBeGreaterThanOrEqual(15);

    // Every acknowledged message is stored, exactly once.
    const counts = async (externalIds: string[]) =>
      new Map(
        (
          await pool.query<{ external_id: string; n: number }>("select external_id, count(*)::int as n from messages where external_id = any($1) group by external_id", [externalIds])
        ).rows.map((row) => [row.external_id, row.n]),
      );
    const stored = await counts(acknowledged.map((row) => row.externalId));
    expect(acknowledged.filter((row) => stored.get(row.externalId) !== 1)).toEqual([]);
    // The phone retries what was in doubt on B: each is stored once, whether or not A had committed it.
    for (const externalId of inDoubt) {
      const retried = await api(b, "POST", "/api/v1/messages", sms(externalId, "retried"), deviceKey);
      expect([200, 201]).toContain(retried.status);
      acknowledged.push({ id: retried.body.message.id, externalId, on: "B" });
    }
    const all = await counts(acknowledged.map((row) => row.externalId));
    expect(acknowledged.filter((row) => all.get(row.externalId) !== 1)).toEqual([]);

    // The socket that was on A reconnects through the proxy to B and rejoins the room from its last position.
    await reconnected;
    expect(proxy.connections.get(b.port)).toBeGreaterThanOrEqual(1);
    const missed = new Set<string>();
    for (;;) {
      const rejoined = await ack<JoinResult>(socket, "room:join", { roomId, lastSeq: lastPosition });
      for (const event of rejoined.missed) if (event.type === "message:new") missed.add(event.message.id);
      lastPosition = Math.max(lastPosition, rejoined.position);
      if (!rejoined.hasMore) break;
    }
    // Live again on B: the next few of Bea's messages arrive as events.
    const resumedAt = roomAcked.length;
    await until(() => roomAcked.slice(resumedAt).some((id) => roomSeen.has(id)), "a live room message after the resume", 10_000);
    roomTalk = false;
    await talk;
    await until(() => roomAcked.every((id) => roomSeen.has(id) || missed.has(id)), "every room message, live or missed", 10_000);
    expect(missed.size).toBeGreaterThan(0);

    // The inbox resumes from its cursor, on B: every acknowledged message, once each.
    const resumed = await syncFrom(proxy, key, before.cursor);
    expect(new Set(resumed.ids).size).toBe(resumed.ids.length);
    const synced = new Set(resumed.ids);
    expect(acknowledged.filter((row) => !synced.has(row.id))).toEqual([]);
    // And inbox events flow live on B.
    const live = waitFor<{ message: { id: string; body: string } }>(socket, "hub:message", (event) => event.message.body === "after the resume");
    const after = await api(b, "POST", "/api/v1/messages", sms(`kill-after-${randomUUID()}`, "after the resume"), deviceKey);
    expect(after.status).toBe(201);
    expect((await live).message.id).toBe(after.body.message.id);
    expect(inboxLive.has(after.body.message.id)).toBe(true);
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

    // The jobs and pg-boss's record of the firings, read in one snapshot so
    // that a firing turned into its job between two reads cannot skew them.
    const snapshot = await pool.query<Row & { name: string; slot: Date }>(
      "select name, id, state, created_on, singleton_on as slot from pgboss.job where name = $1 or (name = '__pgboss__send-it' and data->>'name' = $1)",
      [HEARTBEAT_QUEUE],
    );
    const rows = snapshot.rows.filter((row) => row.name === HEARTBEAT_QUEUE && !manual.has(row.id));
    const fired = snapshot.rows.filter((row) => row.name !== HEARTBEAT_QUEUE);
    const completed = rows.filter((row) => row.state === "completed");
    // No more jobs than minute ticks since boot (one tick before boot may fire if it is under a minute old).
    const ticks = Math.floor(Date.now() / 60_000) - Math.floor((bootStartedAt - 60_000) / 60_000);
    expect(rows.length).toBeLessThanOrEqual(ticks);

    // One firing per minute slot, each turned into one job. (A job's own
    // created_on does not name its minute: under load a firing is turned into
    // its job late, sometimes in the next minute.)
    expect(new Set(fired.map((row) => row.slot.getTime())).size).toBe(fired.length);
    expect(rows.length).toBeGreaterThanOrEqual(fired.filter((row) => row.state === "completed").length);
    expect(rows.length).toBeLessThanOrEqual(fired.length);

    // Each completed heartbeat ran on exactly one worker, once.
    const runs = workers.flatMap((worker) => jsonLogs(worker.logs).filter((line) => line.msg === "scheduler heartbeat").map((line) => line.jobId as string));
    for (const row of completed) expect(runs.filter((id) => id === row.id)).toHaveLength(1);
  });
});
