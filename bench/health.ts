/**
 * bench/health: how fast the full stack (custom server → Next route handler →
 * route wrapper) answers GET /api/health, next to a bare node:http server
 * answering the same JSON in the same run.
 *
 *   npm run build && npx tsx bench/health.ts [--seconds 10] [--connections 50]
 */
import { createServer } from "node:http";
import { freePort, load, startServer, table } from "./lib";

const args = new Map(process.argv.slice(2).map((arg, i, all) => [arg, all[i + 1]]));
const seconds = Number(args.get("--seconds") ?? 10);
const connections = Number(args.get("--connections") ?? 50);

const basePort = await freePort();
const bare = createServer((_req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }));
});
await new Promise<void>((resolve) => bare.listen(basePort, "127.0.0.1", resolve));
const baseline = await load({ url: `http://127.0.0.1:${basePort}/api/health`, duration: seconds, connections });
bare.close();

const hub = await startServer();
await load({ url: `${hub.url}/api/health`, duration: 2, connections }); // warm-up
const measured = await load({ url: `${hub.url}/api/health`, duration: seconds, connections });
await hub.stop();

table([
  { target: "bare node:http (baseline)", "req/s": baseline.requestsPerSecond, "p50 ms": baseline.p50, "p99 ms": baseline.p99, errors: baseline.errors + baseline.non2xx },
  { target: "hub GET /api/health", "req/s": measured.requestsPerSecond, "p50 ms": measured.p50, "p99 ms": measured.p99, errors: measured.errors + measured.non2xx },
]);
console.log(`hub/baseline throughput: ${((measured.requestsPerSecond / baseline.requestsPerSecond) * 100).toFixed(1)}%`);
