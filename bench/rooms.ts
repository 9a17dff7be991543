/**
 * bench/rooms: incident-room fan-out on the real server (production build,
 * PostgreSQL), next to a bare `ws` broadcast server on the same machine in
 * the same run.
 *
 * N Socket.IO clients (each its own user and API key) join R rooms evenly.
 * Ten members per room send, together, a steady M messages per minute
 * through `message:send`; every other member of the room must receive each
 * one. Reported: fan-out latency from send to receipt at each member
 * (p50/p99/max), ack latency, messages lost or duplicated, and the server's
 * RSS idle, with every client connected, and at peak under load.
 *
 *   npx next build && npx tsx bench/rooms.ts [--clients 1000] [--rooms 10] [--per-minute 5000] [--seconds 60]
 *
 * It creates and drops its own database on the PostgreSQL server at
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * Every phase is bounded; the whole run stops by itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { WebSocket } from "ws";
import { createApiKey } from "@/lib/auth/api-keys";
import { connectDatabase } from "@/lib/db/client";
import { createRoom } from "@/lib/rooms/create-room";
import { createUser } from "@/lib/users/users";
import { freePort, percentile, root, table } from "./lib";

const args = new Map(process.argv.slice(2).map((arg, i, all) => [arg, all[i + 1]]));
const CLIENTS = Number(args.get("--clients") ?? 1000);
const ROOMS = Number(args.get("--rooms") ?? 10);
const PER_MINUTE = Number(args.get("--per-minute") ?? 5000);
const SECONDS = Number(args.get("--seconds") ?? 60);
const SENDERS_PER_ROOM = 10;
/** A short run at the same rate first, not measured: JIT, pools and caches warm up as they would in a server that has been up a while. */
const WARMUP_SECONDS = 5;
const ROOM_SIZE = Math.floor(CLIENTS / ROOMS);
/** `--profile DIR` writes a V8 CPU profile of the hub to DIR (open it in Chrome DevTools). */
const PROFILE_DIR = args.get("--profile");
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size of one process, in bytes (Linux). */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * RSS once it has settled: the lowest of samples over `ms`. V8 collects
 * when it likes, so one sample can be tens of MB above or below the live
 * size; the minimum over a few seconds is close to the post-collection size.
 */
async function settledRss(pid: number, ms = 4000): Promise<number> {
  let low = rss(pid);
  for (const end = Date.now() + ms; Date.now() < end; ) {
    await sleep(200);
    low = Math.min(low, rss(pid));
  }
  return low;
}

/** CPU time a process has used so far (user + system), in ms (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

// --- the two targets -------------------------------------------------------------

/** A set of clients, one per member: client i is in room i % ROOMS. */
type Fleet = {
  connect: () => Promise<void>;
  send: (client: number, content: string, clientId: string) => Promise<void>;
  onReceive: (handler: (client: number, content: string) => void) => void;
  close: () => void;
};

function hubFleet(url: string, tokens: string[], roomIds: string[]): Fleet {
  const sockets: Socket[] = [];
  let receive: (client: number, content: string) => void = () => {};
  return {
    async connect() {
      for (let batch = 0; batch < tokens.length; batch += 50) {
        await Promise.all(
          tokens.slice(batch, batch + 50).map(async (token, offset) => {
            const index = batch + offset;
            const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
            sockets[index] = socket;
            socket.on("message:new", (event: { message: { content: string } }) => receive(index, event.message.content));
            await new Promise<void>((resolve, reject) => {
              socket.once("connect", () => resolve());
              socket.once("connect_error", reject);
            });
            const reply = (await socket.timeout(30_000).emitWithAck("room:join", { roomId: roomIds[index % ROOMS] })) as { ok: boolean };
            if (!reply.ok) throw new Error(`join refused: ${JSON.stringify(reply)}`);
          }),
        );
      }
    },
    async send(client, content, clientId) {
      const reply = (await sockets[client]!.timeout(30_000).emitWithAck("message:send", { roomId: roomIds[client % ROOMS], content, clientId })) as { ok: boolean; error?: unknown };
      if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    },
    onReceive(handler) {
      receive = handler;
    },
    close() {
      for (const socket of sockets) socket?.close();
    },
  };
}

function wsFleet(url: string, count: number): Fleet {
  const sockets: WebSocket[] = [];
  const acks = new Map<string, () => void>();
  let receive: (client: number, content: string) => void = () => {};
  return {
    async connect() {
      for (let batch = 0; batch < count; batch += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, count - batch) }, async (_, offset) => {
            const index = batch + offset;
            const socket = new WebSocket(url);
            sockets[index] = socket;
            await new Promise<void>((resolve, reject) => {
              socket.once("error", reject);
              socket.on("message", (raw) => {
                const frame = JSON.parse(raw.toString()) as { joined?: string; ack?: string; content?: string };
                if (frame.joined) resolve();
                else if (frame.ack) acks.get(frame.ack)?.();
                else if (frame.content !== undefined) receive(index, frame.content);
              });
              socket.once("open", () => socket.send(JSON.stringify({ join: `room-${index % ROOMS}` })));
            });
          }),
        );
      }
    },
    send(client, content, clientId) {
      return new Promise((resolve) => {
        acks.set(clientId, () => {
          acks.delete(clientId);
          resolve();
        });
        sockets[client]!.send(JSON.stringify({ send: content, clientId }));
      });
    },
    onReceive(handler) {
      receive = handler;
    },
    close() {
      for (const socket of sockets) socket?.close();
    },
  };
}

// --- the load ------------------------------------------------------------------

type LoadResult = {
  sent: number;
  acked: number;
  refused: number;
  seconds: number;
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  p50: number;
  p99: number;
  max: number;
  ackP50: number;
  ackP99: number;
  peakRss: number;
  /** Server CPU per message sent, and this process's (the clients') CPU per message. */
  serverCpuMsPerMessage: number;
  clientCpuMsPerMessage: number;
};

/** Message k goes to room k % ROOMS, from one of that room's first SENDERS_PER_ROOM members in turn. */
function senderOf(k: number): number {
  const room = k % ROOMS;
  const turn = Math.floor(k / ROOMS) % SENDERS_PER_ROOM;
  return room + turn * ROOMS;
}

async function runLoad(fleet: Fleet, serverPid: number, seconds = SECONDS): Promise<LoadResult> {
  const total = Math.round((PER_MINUTE * seconds) / 60);
  const intervalMs = 60_000 / PER_MINUTE;
  const seen = new Uint8Array(Math.ceil((CLIENTS * total) / 8));
  const latencies = new Float64Array(total * ROOM_SIZE);
  let received = 0;
  let duplicates = 0;
  fleet.onReceive((client, content) => {
    const now = performance.now();
    const [tag, index, sentAt] = content.split(" ");
    if (tag !== "b") return;
    const k = Number(index);
    if (client === senderOf(k)) return;
    const bit = client * total + k;
    if (seen[bit >> 3]! & (1 << (bit & 7))) {
      duplicates++;
      return;
    }
    seen[bit >> 3]! |= 1 << (bit & 7);
    latencies[received++] = now - Number(sentAt);
  });

  let peakRss = rss(serverPid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss(serverPid))), 500);
  const ackLatencies: number[] = [];
  let acked = 0;
  let refused = 0;
  const pending: Array<Promise<void>> = [];
  const serverCpuBefore = cpuMs(serverPid);
  const clientCpuBefore = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
    while (sent < due) {
      const k = sent++;
      const at = performance.now();
      pending.push(
        fleet.send(senderOf(k), `b ${k} ${at.toFixed(3)}`, `bench-${seconds}-${k}`).then(
          () => {
            acked++;
            ackLatencies.push(performance.now() - at);
          },
          () => {
            refused++;
          },
        ),
      );
    }
    await sleep(Math.max(1, start + sent * intervalMs - performance.now()));
  }
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.race([Promise.all(pending), sleep(30_000)]);
  const expected = acked * (ROOM_SIZE - 1);
  const deadline = Date.now() + 15_000;
  while (received < expected && Date.now() < deadline) await sleep(100);
  clearInterval(sampler);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuMsPerMessage = (cpuMs(serverPid) - serverCpuBefore) / sent;
  const clientCpuMsPerMessage = (clientCpu.user + clientCpu.system) / 1000 / sent;
  const sample = Array.from(latencies.subarray(0, received));
  return {
    sent,
    acked,
    refused,
    seconds: sendSeconds,
    expected,
    received,
    lost: expected - received,
    duplicates,
    p50: percentile(sample, 50),
    p99: percentile(sample, 99),
    max: sample.reduce((a, b) => Math.max(a, b), 0),
    ackP50: percentile(ackLatencies, 50),
    ackP99: percentile(ackLatencies, 99),
    peakRss,
    serverCpuMsPerMessage,
    clientCpuMsPerMessage,
  };
}

// --- processes -----------------------------------------------------------------

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/ready`)).ok) return;
    } catch {
      // starting
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("the hub did not become ready");
    await sleep(250);
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

type Row = Record<string, string | number>;

function row(target: string, idle: number, connected: number, load: LoadResult): Row {
  return {
    target,
    clients: CLIENTS,
    "msg/min": Math.round((load.acked / load.seconds) * 60),
    "fan-out p50 ms": Number(load.p50.toFixed(1)),
    "fan-out p99 ms": Number(load.p99.toFixed(1)),
    "max ms": Math.round(load.max),
    "ack p99 ms": Number(load.ackP99.toFixed(1)),
    lost: load.lost + load.refused * (ROOM_SIZE - 1),
    dup: load.duplicates,
    "RSS idle MB": mb(idle),
    "RSS connected MB": mb(connected),
    "RSS peak MB": mb(load.peakRss),
    "KB/conn": Math.round((connected - idle) / CLIENTS / 1024),
    "server CPU ms/msg": Number(load.serverCpuMsPerMessage.toFixed(2)),
    "clients CPU ms/msg": Number(load.clientCpuMsPerMessage.toFixed(2)),
  };
}

async function baseline(): Promise<Row> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/ws-baseline-server.ts")], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once("data", (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port));
      child.once("exit", () => reject(new Error("baseline server exited")));
    });
    const idle = await settledRss(child.pid!);
    const fleet = wsFleet(`ws://127.0.0.1:${port}`, CLIENTS);
    await fleet.connect();
    const connected = await settledRss(child.pid!);
    await runLoad(fleet, child.pid!, WARMUP_SECONDS);
    const load = await runLoad(fleet, child.pid!);
    fleet.close();
    return row("bare ws broadcast (baseline)", idle, connected, load);
  } finally {
    await stop(child);
  }
}

async function hub(): Promise<Row> {
  const name = `mh_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profile = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join(root, "server/index.ts")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "mh-bench-")),
      // Every client connects from 127.0.0.1; the per-IP limit is for the internet, not this bench.
      RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE: "1000000",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const database = connectDatabase(databaseUrl, { max: 10 });
  try {
    await waitReady(url, child);

    // 1,000 users with keys; room r holds users r, r + ROOMS, r + 2·ROOMS…
    const tokens: string[] = [];
    const userIds: string[] = [];
    for (let batch = 0; batch < CLIENTS; batch += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, CLIENTS - batch) }, async (_, offset) => {
          const index = batch + offset;
          const user = await createUser(database.db, { email: `bench-${index}@bench.test`, name: `Bench ${index}`, role: "member" });
          const { key } = await createApiKey(database.db, user.id, { name: "bench", scopes: ["rooms:read", "rooms:write"] });
          tokens[index] = key;
          userIds[index] = user.id;
        }),
      );
    }
    const roomIds: string[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const members = userIds.filter((_, index) => index % ROOMS === r);
      const room = await createRoom(database.db, { userId: members[0]!, role: "member", via: "apiKey", scopes: ["rooms:write"] }, {
        title: `Bench room ${r}`,
        description: "",
        severity: "sev3",
        status: "investigating",
        members: members.slice(1).map((userId) => ({ userId, role: "participant" as const })),
      });
      roomIds.push(room.id);
    }

    const idle = await settledRss(child.pid!);
    const fleet = hubFleet(url, tokens, roomIds);
    await fleet.connect();
    const connected = await settledRss(child.pid!);
    await runLoad(fleet, child.pid!, WARMUP_SECONDS);
    const load = await runLoad(fleet, child.pid!);
    fleet.close();
    const stored = await database.pool.query<{ n: number }>("select count(*)::int as n from room_messages where type = 'text'");
    const acknowledged = load.acked + Math.round((PER_MINUTE * WARMUP_SECONDS) / 60);
    if (stored.rows[0]!.n !== acknowledged) console.warn(`stored ${stored.rows[0]!.n} messages but ${acknowledged} were acknowledged`);
    return row("hub: Socket.IO + PostgreSQL", idle, connected, load);
  } finally {
    await stop(child);
    await database.pool.end();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const watchdog = setTimeout(
  () => {
    console.error("bench/rooms: gave up (watchdog)");
    process.exit(1);
  },
  (SECONDS * 2 + 600) * 1000,
);
watchdog.unref();

console.log(`load average before: ${os.loadavg().map((n) => n.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
console.log(`bench/rooms: ${CLIENTS} clients in ${ROOMS} rooms of ${ROOM_SIZE}, ${PER_MINUTE} messages/minute for ${SECONDS} s, fan-out to ${ROOM_SIZE - 1} members each`);
const rows = PROFILE_DIR ? [await hub()] : [await baseline(), await hub()];
table(rows);
console.log(`load average after: ${os.loadavg().map((n) => n.toFixed(1)).join(" ")}`);
process.exit(0);
