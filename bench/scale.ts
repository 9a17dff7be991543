/**
 * bench/scale: broadcast throughput with one web instance vs two, behind a
 * round-robin proxy over loopback.
 *
 * A room-style broadcast: N clients, all in one Socket.IO room (the user's
 * room `user:<id>`, which every socket of a user joins; an incident room
 * fans out the same way), receive M events. The events are published the
 * way jobs and other instances publish them, through Redis, so each instance
 * delivers to its own sockets. Clients connect through a round-robin TCP
 * proxy (sticky per connection, as WebSockets are), so with two instances
 * each serves half of them.
 *
 *   npm run build
 *   npx tsx bench/scale.ts [--clients 200] [--messages 1000] [--batch 100] [--rounds 3]
 *
 * Rounds alternate one instance and two, and the table reports each
 * configuration's median round, so a burst of load from elsewhere on the
 * machine skews both alike.
 *
 * Needs PostgreSQL and Redis: BENCH_DATABASE_URL (a database on a server
 * where the bench may create and drop a throwaway one; default
 * postgres://postgres@127.0.0.1:5432/postgres) and REDIS_URL (default
 * redis://127.0.0.1:6379).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { io as connect, type Socket } from "socket.io-client";
import { createRealtimeEmitter, publish, setRealtimeEmitter } from "@/lib/realtime/publish";
import { connectRedis } from "@/lib/realtime/redis";
import { startTcpProxy } from "@/tests/helpers/tcp-proxy";
import { cpuSeconds, percentile, startServer, table, type Server } from "./lib";

const args = new Map(process.argv.slice(2).map((arg, i, all) => [arg, all[i + 1]]));
const clients = Number(args.get("--clients") ?? 200);
const messages = Number(args.get("--messages") ?? 1000);
const batch = Number(args.get("--batch") ?? 100);
const rounds = Number(args.get("--rounds") ?? 3);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

type Result = {
  instances: number;
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  lost: number;
  seconds: number;
  /** Server CPU per 1,000 deliveries, all instances together. */
  serverCpuMsPer1k: number;
  /** The busiest instance's share of one core during the run. */
  busiestInstanceCore: number;
  /** The bench process's (clients + publisher) share of one core. */
  clientCore: number;
};

async function run(servers: Server[], key: string, userId: string): Promise<Result> {
  const proxy = await startTcpProxy(servers.map((server) => Number(new URL(server.url).port)));
  const sockets: Socket[] = [];
  const latencies: number[] = [];
  let received = 0;
  let onDelivery: (() => void) | undefined;
  try {
    for (let i = 0; i < clients; i++) {
      const socket = connect(proxy.url, { auth: { token: key }, transports: ["websocket"], forceNew: true, reconnection: false });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      socket.on("hub:message", (payload: { sentAt: number }) => {
        latencies.push(performance.now() - payload.sentAt);
        received++;
        onDelivery?.();
      });
      sockets.push(socket);
    }
    // Let every instance's adapter see its sockets' rooms before publishing.
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Warm-up: one batch, not measured.
    await broadcast(Math.min(batch, messages));
    received = 0;
    latencies.length = 0;

    const cpuBefore = servers.map((server) => cpuSeconds(server.child.pid!));
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    let lost = 0;
    for (let sent = 0; sent < messages; sent += batch) lost += await broadcast(Math.min(batch, messages - sent));
    const seconds = (performance.now() - started) / 1000;
    const serverCpu = servers.map((server, i) => cpuSeconds(server.child.pid!) - cpuBefore[i]!);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    return {
      instances: servers.length,
      deliveriesPerSecond: Math.round(received / seconds),
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      lost,
      seconds: Math.round(seconds * 10) / 10,
      serverCpuMsPer1k: Math.round(((serverCpu.reduce((sum, value) => sum + value, 0) * 1000) / received) * 1000 * 100) / 100,
      busiestInstanceCore: Math.round((Math.max(...serverCpu) / seconds) * 100) / 100,
      clientCore: Math.round(((clientCpu.user + clientCpu.system) / 1e6 / seconds) * 100) / 100,
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await proxy.close();
  }

  /** Publishes `count` events and waits until every client has them all (or 30 s pass). Returns deliveries lost. */
  async function broadcast(count: number): Promise<number> {
    const target = received + count * clients;
    const done = new Promise<void>((resolve) => {
      onDelivery = () => {
        if (received >= target) resolve();
      };
    });
    for (let i = 0; i < count; i++) publish(`user:${userId}`, "hub:message", { sentAt: performance.now(), body: "x".repeat(200) });
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 30_000).unref());
    const outcome = await Promise.race([done, timeout]);
    onDelivery = undefined;
    return outcome === "timeout" ? target - received : 0;
  }
}

const dbName = `mh_bench_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const prefix = `mhbench-${randomBytes(4).toString("hex")}`;
const env = { DATABASE_URL: url.toString(), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, ROLE: "web" };

const redis = await connectRedis(redisUrl);
setRealtimeEmitter(createRealtimeEmitter(redis, prefix));
const servers: Server[] = [];
try {
  servers.push(await startServer(env), await startServer(env));
  const setup = await fetch(`${servers[0]!.url}/api/v1/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "bench@example.test", password: "a long enough password", name: "Bench" }),
  });
  const { key, user } = (await setup.json()) as { key: string; user: { id: string } };

  const results: Record<1 | 2, Result[]> = { 1: [], 2: [] };
  for (let round = 0; round < rounds; round++) {
    results[1].push(await run(servers.slice(0, 1), key, user.id));
    results[2].push(await run(servers, key, user.id));
  }
  const median = (list: Result[]) => [...list].sort((x, y) => x.deliveriesPerSecond - y.deliveriesPerSecond)[Math.floor(list.length / 2)]!;
  const [one, two] = [median(results[1]), median(results[2])];

  table(
    [one, two].map((result) => ({
      instances: result.instances,
      "deliveries/s": result.deliveriesPerSecond,
      "p50 ms": result.p50,
      "p99 ms": result.p99,
      lost: result.lost,
      seconds: result.seconds,
      "server CPU ms / 1k deliveries": result.serverCpuMsPer1k,
      "busiest instance, cores": result.busiestInstanceCore,
      "clients, cores": result.clientCore,
    })),
  );
  console.log(`every round (deliveries/s): one ${results[1].map((r) => r.deliveriesPerSecond).join(", ")}; two ${results[2].map((r) => r.deliveriesPerSecond).join(", ")}`);
  console.log(`${clients} clients × ${messages} events, median of ${rounds} rounds; two/one throughput: ${(two.deliveriesPerSecond / one.deliveriesPerSecond).toFixed(2)}×`);
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  setRealtimeEmitter(undefined);
  await redis.quit();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
