/**
 * bench/idle: how steadily a hub with nothing to do answers. Its background
 * work (job polling, the cron clock, metric sampling) must not hold up the
 * requests that do arrive: a request that lands behind a stall of the event
 * loop waits for it.
 *
 *   npm run build && npx tsx bench/idle.ts [--seconds 60] [--every 10]
 *
 * One request at a time, every `--every` ms for `--seconds` (bounded by
 * count): first against a bare node:http server in this process (the
 * baseline), then GET /api/health on the real server on a throwaway
 * PostgreSQL database, from ten seconds after it is ready. Reports the
 * latency p50, p99, p99.9 and max of each, and the server's own largest
 * event-loop delay over the window (prom-client's
 * nodejs_eventloop_lag_max_seconds, read from /api/metrics, which resets it
 * on every read). A minute covers three or more of the cron clock's looks.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { freePort, percentile, startServer, table, throwawayDatabase } from "./lib";

const args = new Map(process.argv.slice(2).map((arg, i, all) => [arg, all[i + 1]]));
const SECONDS = Number(args.get("--seconds") ?? 60);
const EVERY_MS = Number(args.get("--every") ?? 10);
const PROBES = Math.floor((SECONDS * 1000) / EVERY_MS);

/** PROBES sequential GETs of `url`, one started every EVERY_MS (or as soon as the previous answers, when it is late). */
async function probe(url: string): Promise<number[]> {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < PROBES; i++) {
    const wait = started + i * EVERY_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

const summary = (times: number[]) => ({
  "p50 ms": percentile(times, 50).toFixed(2),
  "p99 ms": percentile(times, 99).toFixed(2),
  "p99.9 ms": percentile(times, 99.9).toFixed(2),
  "max ms": Math.max(...times).toFixed(2),
  "over 10 ms": times.filter((t) => t > 10).length,
});

const basePort = await freePort();
const bare = createServer((_req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }));
});
await new Promise<void>((resolve) => bare.listen(basePort, "127.0.0.1", resolve));
const baseline = await probe(`http://127.0.0.1:${basePort}/api/health`);
bare.close();

const database = throwawayDatabase("mh_bench");
await database.create();
const metricsToken = randomBytes(16).toString("hex");
const hub = await startServer({ DATABASE_URL: database.url, METRICS_TOKEN: metricsToken });
try {
  const eventLoopMaxMs = async () => {
    const res = await fetch(`${hub.url}/api/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    const text = await res.text();
    const line = text.split("\n").find((l) => l.startsWith("hub_process_nodejs_eventloop_lag_max_seconds "));
    if (!line) throw new Error("no nodejs_eventloop_lag_max_seconds in /api/metrics");
    return Number(line.split(" ")[1]) * 1000;
  };
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  await eventLoopMaxMs(); // resets the window
  const measured = await probe(`${hub.url}/api/health`);
  const loopMax = await eventLoopMaxMs();

  console.log(`\nbench/idle: ${PROBES} requests, one every ${EVERY_MS} ms (same run, same machine)\n`);
  table([
    { target: "bare node:http (baseline)", ...summary(baseline), "event-loop max ms": "" },
    { target: "hub GET /api/health, idle", ...summary(measured), "event-loop max ms": loopMax.toFixed(1) },
  ]);
} finally {
  await hub.stop();
  await database.drop();
}
