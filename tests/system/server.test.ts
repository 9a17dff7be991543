import http from "node:http";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPrivateDatabase } from "@/tests/helpers/private-database";
import { jsonLogs, startHub, tempDataDir, type HubProcess } from "@/tests/helpers/process";

const started: HubProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
afterAll(async () => {
  await Promise.all(started.map((hub) => hub.stop("SIGKILL")));
  for (const cleanup of cleanups) await cleanup();
});

describe("the server process", () => {
  it("boots on the embedded database with no configuration and answers ready", async () => {
    const hub = await startHub({ DATA_DIR: tempDataDir() });
    started.push(hub);
    const ready = await fetch(`${hub.url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("x-request-id")).toBeTruthy();
    expect(ready.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(ready.headers.get("x-content-type-options")).toBe("nosniff");
    expect(jsonLogs(hub.logs).some((line) => line.msg === "message hub ready" && line.database === "embedded")).toBe(true);
    expect(await hub.stop("SIGTERM")).toBe(0);
  });

  it("says which port is taken when another process holds it, and exits 1", async () => {
    // It answers, so the wait for the hub's /api/ready sees a 503 rather than hanging.
    const holder = http.createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => holder.listen(0, "0.0.0.0", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const failed = await startHub({ DATA_DIR: tempDataDir(), PORT: String(port) }).then(
        (hub) => (started.push(hub), null),
        (error: Error) => error.message,
      );
      expect(failed).toContain("server exited early (1)");
      expect(failed).toContain(`Message Hub cannot listen: port ${port} is already in use (is Message Hub already running?)`);
      expect(failed).not.toContain("    at ");
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it("lets a slow request finish when SIGTERM arrives mid-request, through a repeated signal, then exits 0", async () => {
    const hub = await startHub({ DATA_DIR: tempDataDir() });
    started.push(hub);
    // A setup request whose body arrives slowly: it is in flight when the signal lands.
    const body = JSON.stringify({ email: "slow@example.test", password: "a long enough password", name: "Slow" });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${hub.url}/api/v1/setup`, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        hub.child.kill("SIGTERM");
        // A signal can reach the server more than once (one Ctrl-C comes from the terminal and from
        // `npm start`; an orchestrator may send SIGTERM again): each repeat must join the drain, not
        // end the process under the request.
        setTimeout(() => {
          hub.child.kill("SIGTERM");
          hub.child.kill("SIGINT");
          hub.child.kill("SIGINT");
        }, 200);
        setTimeout(() => req.end(body.slice(10)), 1500);
      }, 300);
    });
    const result = await response;
    expect(result.status).toBe(201);
    expect(JSON.parse(result.text).user.email).toBe("slow@example.test");
    expect(await hub.exited).toBe(0);
    const lines = jsonLogs(hub.logs);
    expect(lines.some((line) => line.msg === "shutting down: no new connections, draining requests" && line.inFlight === 1)).toBe(true);
    expect(lines.some((line) => line.msg === "shutdown complete")).toBe(true);
  });

  // On Postgres: the embedded database runs in the server's own thread, so while it inserts, the
  // server sees neither the hang-up nor the signal.
  it.skipIf(!inject("adminDatabaseUrl"))("on SIGTERM, drains a request whose client hung up, before closing the database under its handler", async () => {
    const database = await createPrivateDatabase();
    const hub = await startHub({ DATABASE_URL: database.url });
    started.push(hub);
    cleanups.push(database.drop);
    const setup = await fetch(`${hub.url}/api/v1/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "drain@example.test", password: "a long enough password", name: "Drain" }) });
    const { key } = (await setup.json()) as { key: string };
    // A batch that takes a while to index: 500 messages of ~6 KB of words.
    const words = Array.from({ length: 900 }, (_, i) => `word${i}`).join(" ");
    const body = JSON.stringify({ messages: Array.from({ length: 500 }, (_, i) => ({ type: "sms", sender: `+1555000${i}`, body: `${i} ${words}`, receivedAt: new Date().toISOString() })) });
    await new Promise<void>((resolve) => {
      const req = http.request(`${hub.url}/api/v1/messages`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } });
      req.on("error", () => {});
      // The client sends it all, waits for the handler to be well into its insert, and hangs up.
      req.end(body, () => setTimeout(() => (req.destroy(), resolve()), 300));
    });
    await sleep(100);
    hub.child.kill("SIGTERM");
    expect(await hub.exited).toBe(0);
    const lines = jsonLogs(hub.logs);
    // The hung-up request still counts as in flight, and its handler finishes before the shutdown does.
    expect(lines.find((line) => line.msg === "shutting down: no new connections, draining requests")?.inFlight).toBe(1);
    const ingested = lines.findIndex((line) => line.msg === "messages ingested" && line.created === 500);
    expect(ingested).toBeGreaterThan(-1);
    expect(ingested).toBeLessThan(lines.findIndex((line) => line.msg === "shutdown complete"));
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it("stops with a one-line message naming a bad variable", async () => {
    await expect(startHub({ DATA_DIR: tempDataDir(), PORT: "3000", LOG_LEVEL: "shouty" }, { readyTimeoutMs: 20_000 })).rejects.toThrow(/Invalid configuration: LOG_LEVEL/);
  });

  it.skipIf(!inject("adminDatabaseUrl"))("starts two instances at once on one empty Postgres; migrations run once", async () => {
    const admin = inject("adminDatabaseUrl")!;
    const name = `mh_sys_${randomBytes(4).toString("hex")}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    try {
      const [a, b] = await Promise.all([startHub({ DATABASE_URL: url.toString() }), startHub({ DATABASE_URL: url.toString() })]);
      started.push(a!, b!);
      const applied = [a!, b!].map((hub) => Number(jsonLogs(hub.logs).find((line) => line.msg === "migrations applied")?.applied));
      expect(applied.sort()).toEqual([0, expect.any(Number)]);
      expect(applied[1]).toBeGreaterThan(0);
      expect((await fetch(`${a!.url}/api/ready`)).status).toBe(200);
      expect((await fetch(`${b!.url}/api/ready`)).status).toBe(200);
      expect(await a!.stop()).toBe(0);
      expect(await b!.stop()).toBe(0);
    } finally {
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    }
  });
});
