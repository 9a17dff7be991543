/**
 * bench/webhooks: the outbox → dispatcher → webhook pipeline, end to end,
 * with the server's own job wiring (server/features.ts) and a local receiver.
 *
 *   latency:    one event at a time: commit, kickDispatcher(), time until the
 *               receiver has the signed POST.
 *   throughput: N events committed in batches of 50, time until all arrive.
 *
 *   npx tsx bench/webhooks.ts [--events 500] [--latency 50]                 (embedded PGlite)
 *   DATABASE_URL=postgres://… npx tsx bench/webhooks.ts                     (a database it may fill)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseConfig, setConfig } from "@/lib/config/env";
import { connectDatabase, setDatabase } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";
import { setBoss, startJobs } from "@/lib/jobs/boss";
import { kickDispatcher } from "@/lib/jobs/dispatcher";
import { recordEvents } from "@/lib/jobs/outbox";
import { createLogger, setLogger } from "@/lib/log/logger";
import { createUser } from "@/lib/users/users";
import { createWebhook } from "@/lib/webhooks/webhooks";
import { jobRegistrars } from "@/server/features";
import { table } from "./lib";

const args = new Map(process.argv.slice(2).map((arg, i, all) => [arg, all[i + 1]]));
const events = Number(args.get("--events") ?? 500);
const latencyRuns = Number(args.get("--latency") ?? 50);

const received = new Map<string, number>();
let onReceive: (() => void) | undefined;
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const { id } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: string };
    received.set(id, performance.now());
    res.statusCode = 204;
    res.end();
    onReceive?.();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedDatabase({ dataDir: "memory://" });
const databaseUrl = process.env.DATABASE_URL ?? embedded!.url;
setConfig(parseConfig({ NODE_ENV: "production", DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", WEBHOOK_ALLOW_PRIVATE_TARGETS: "true", OUTBOX_POLL_INTERVAL_MS: "2000" }));
setLogger(createLogger({ pretty: false }));
const database = connectDatabase(databaseUrl, { max: 10 });
setDatabase(database);
await runMigrations(database.pool);
const boss = await startJobs(databaseUrl, { registrars: jobRegistrars, runWorkers: true });

const user = await createUser(database.db, { email: `bench-${Date.now()}@bench.test`, name: "Bench", role: "member" });
await createWebhook(database.db, { userId: user.id, role: "member" }, { url: receiverUrl, events: ["message.received"], scope: "user" });

function arrivalOf(ids: string[]): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ids.every((id) => received.has(id))) {
        onReceive = undefined;
        resolve();
      }
    };
    onReceive = check;
    check();
  });
}

// Latency: sequential single events.
const latencies: number[] = [];
for (let i = 0; i < latencyRuns; i++) {
  const started = performance.now();
  const ids = await database.db.transaction((tx) => recordEvents(tx, [{ type: "message.received", userId: user.id, data: { i, body: "hello" } }]));
  await kickDispatcher();
  await arrivalOf(ids);
  latencies.push(received.get(ids[0]!)! - started);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!);

// Throughput: batches of 50 committed as fast as possible.
const started = performance.now();
const all: string[] = [];
for (let sent = 0; sent < events; sent += 50) {
  const batch = Math.min(50, events - sent);
  const ids = await database.db.transaction((tx) =>
    recordEvents(tx, Array.from({ length: batch }, (_, i) => ({ type: "message.received", userId: user.id, data: { i: sent + i } }))),
  );
  all.push(...ids);
  await kickDispatcher();
}
await arrivalOf(all);
const seconds = (performance.now() - started) / 1000;

await boss.stop({ graceful: true, wait: true, timeout: 5000 });
setBoss(undefined);
await database.pool.end();
await embedded?.stop();
receiver.close();

table([
  { measure: `latency, commit → signed POST received (${latencyRuns} single events)`, p50: `${pct(50)} ms`, p99: `${pct(99)} ms` },
  { measure: `throughput (${events} events in batches of 50)`, p50: `${Math.round(events / seconds)} events/s`, p99: `${seconds.toFixed(1)} s total` },
]);
console.log(`database: ${embedded ? "embedded PGlite" : "PostgreSQL"}`);
process.exit(0);
