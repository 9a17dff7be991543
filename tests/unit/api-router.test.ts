import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http, { createServer, IncomingMessage, ServerResponse, type Server } from "node:http";
import { Socket } from "node:net";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TextResponse } from "@/lib/http/body";
import { createApiRouter, type ApiRouter } from "@/server/api-router";

/**
 * The API router over a throwaway app directory of route modules, behind a
 * real HTTP server whose fallback stands in for Next.
 */
let dir: string;
let server: Server;
let base: string;
let router: ApiRouter;
/** Per URL, the listeners a handled response was left with beyond those it began with. */
const listenersLeft = new Map<string, { close: number; drain: number }>();

function route(folder: string, source: string): void {
  mkdirSync(path.join(dir, folder), { recursive: true });
  writeFileSync(path.join(dir, folder, "route.js"), source);
}

const echo = (name: string) => `export async function GET(req, { params }) {
  return Response.json({ route: ${JSON.stringify(name)}, params: await params, url: req.url, ip: req.headers.get("x-hub-client-ip") });
}`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "mh-api-router-"));
  route("api/health", echo("health"));
  route("api/v1/items", `${echo("items")}
export async function POST(req) {
  const text = await req.text();
  const headers = new Headers({ "content-type": "text/plain" });
  headers.append("set-cookie", "a=1; Path=/");
  headers.append("set-cookie", "b=2; Path=/");
  return new Response("got " + text.length + " bytes: " + text.slice(0, 5), { status: 201, headers });
}`);
  route("api/v1/items/export", `export async function GET() {
  const chunk = "x".repeat(64 * 1024);
  let sent = 0;
  return new Response(new ReadableStream({ pull(controller) { if (sent++ < 16) controller.enqueue(new TextEncoder().encode(chunk)); else controller.close(); } }));
}`);
  // The route wrapper's JSON answers are TextResponses (lib/http/route.ts json()).
  (globalThis as { __TextResponse?: typeof TextResponse }).__TextResponse = TextResponse;
  route("api/v1/answers", `export async function POST(req) {
  const body = await req.json();
  return new globalThis.__TextResponse(JSON.stringify({ got: body, used: req.bodyUsed }), { status: 201, headers: { "content-type": "application/json" } });
}`);
  route("api/v1/pages", `export async function GET() {
  const row = JSON.stringify({ body: "héllo ✓ ".repeat(2000) });
  return new globalThis.__TextResponse(['{"rows":[', Array.from({ length: 8 }, () => row).join(","), "]}"], { status: 200, headers: { "content-type": "application/json" } });
}`);
  route("api/v1/calls", `export async function POST() {
  globalThis.__routerCalls = (globalThis.__routerCalls ?? 0) + 1;
  return new Response(null, { status: 204 });
}`);
  route("api/v1/items/endless", `export async function GET() {
  const state = (globalThis.__endless = { pulls: 0, cancelled: false });
  const chunk = new TextEncoder().encode("y".repeat(64 * 1024));
  return new Response(new ReadableStream({ pull(controller) { state.pulls++; controller.enqueue(chunk); }, cancel() { state.cancelled = true; } }));
}`);
  route("api/v1/items/[id]", echo("item"));
  route("api/v1/items/[id]/tags", echo("item tags"));
  route("api/v1/files/[...path]", echo("files"));
  route("api/auth/[...nextauth]", echo("next-auth"));
  router = createApiRouter(dir);
  server = createServer((req, res) => {
    req.headers["x-hub-client-ip"] = "198.51.100.7";
    const before = { close: res.listenerCount("close"), drain: res.listenerCount("drain") };
    void router.handle(req, res).then((served) => {
      if (!served) res.end("next");
      listenersLeft.set(req.url ?? "", { close: res.listenerCount("close") - before.close, drain: res.listenerCount("drain") - before.drain });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const get = async (pathname: string, init?: RequestInit) => {
  const res = await fetch(`${base}${pathname}`, init);
  const text = await res.text();
  return { res, text, json: text.startsWith("{") ? JSON.parse(text) : null };
};

describe("the API router", () => {
  it("finds every route module except next-auth's", () => {
    expect([...router.patterns].sort()).toEqual([
      "/api/health",
      "/api/v1/answers",
      "/api/v1/calls",
      "/api/v1/files/[...path]",
      "/api/v1/items",
      "/api/v1/items/[id]",
      "/api/v1/items/[id]/tags",
      "/api/v1/items/endless",
      "/api/v1/items/export",
      "/api/v1/pages",
    ]);
  });

  it("prefers a static segment to a parameter, and decodes parameters", async () => {
    expect((await get("/api/v1/items/export")).text).toHaveLength(16 * 64 * 1024);
    expect((await get("/api/v1/items/it%20em?x=1")).json).toMatchObject({ route: "item", params: { id: "it em" } });
    expect((await get("/api/v1/items/abc/tags")).json).toMatchObject({ route: "item tags", params: { id: "abc" } });
    expect((await get("/api/v1/files/a/b/c.txt")).json).toMatchObject({ route: "files", params: { path: ["a", "b", "c.txt"] } });
  });

  it("gives the handler the server's client address and the full URL with its query", async () => {
    const { json } = await get("/api/v1/items?limit=5", { headers: { "x-hub-client-ip": "203.0.113.66" } });
    expect(json.ip).toBe("198.51.100.7");
    expect(new URL(json.url).pathname + new URL(json.url).search).toBe("/api/v1/items?limit=5");
  });

  it("streams the request body in and keeps status and every Set-Cookie on the way out", async () => {
    const body = "y".repeat(300_000);
    const { res, text } = await get("/api/v1/items", { method: "POST", body });
    expect(res.status).toBe(201);
    expect(text).toBe("got 300000 bytes: yyyyy");
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    // A small body (read into one buffer rather than streamed) arrives whole too.
    const small = await get("/api/v1/items", { method: "POST", body: "hello, small body" });
    expect(small.res.status).toBe(201);
    expect(small.text).toBe("got 17 bytes: hello");
  });

  it("sends a body that fits in one chunk with its Content-Length, and streams a longer one chunked", async () => {
    const small = await get("/api/v1/items/abc");
    expect(small.res.headers.get("content-length")).toBe(String(Buffer.byteLength(small.text)));
    expect(small.res.headers.get("transfer-encoding")).toBeNull();
    const long = await get("/api/v1/items/export");
    expect(long.text).toHaveLength(16 * 64 * 1024);
    expect(long.res.headers.get("transfer-encoding")).toBe("chunked");
    expect(long.res.headers.get("content-length")).toBeNull();
  });

  it("leaves no listeners on a streamed response however often it waited for the client", async () => {
    // Each 64 KB chunk is over the socket's high-water mark, so every write
    // but the last waits for drain: 15 waits here, thousands in a real export.
    expect((await get("/api/v1/items/export?listeners")).text).toHaveLength(16 * 64 * 1024);
    expect(listenersLeft.get("/api/v1/items/export?listeners")).toEqual({ close: 0, drain: 0 });
  });

  it("stops reading a streamed body when its client goes away, and cancels it", async () => {
    const state = () => (globalThis as { __endless?: { pulls: number; cancelled: boolean } }).__endless!;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/api/v1/items/endless`, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? undefined : reject(error)));
    });
    await expect.poll(() => state().cancelled).toBe(true);
    const pulls = state().pulls;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(state().pulls).toBe(pulls);
    // Read only as far as the socket would take: a few chunks, not an endless buffer.
    expect(pulls).toBeLessThan(200);
  });

  it("gives a route a small body it reads as JSON, and writes a TextResponse in one write with its Content-Length", async () => {
    const body = JSON.stringify({ type: "sms", body: "héllo" });
    const answer = await get("/api/v1/answers", { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(answer.res.status).toBe(201);
    expect(JSON.parse(answer.text)).toEqual({ got: { type: "sms", body: "héllo" }, used: true });
    expect(answer.res.headers.get("content-length")).toBe(String(Buffer.byteLength(answer.text)));
    expect(answer.res.headers.get("transfer-encoding")).toBeNull();
  });

  it("writes a TextResponse given as chunks in order, with the Content-Length of the whole in bytes", async () => {
    const page = await get("/api/v1/pages");
    expect(page.res.status).toBe(200);
    expect(page.json.rows).toHaveLength(8);
    expect(page.json.rows[7].body).toBe("héllo ✓ ".repeat(2000));
    expect(page.res.headers.get("content-length")).toBe(String(Buffer.byteLength(page.text)));
    expect(page.res.headers.get("transfer-encoding")).toBeNull();
  });

  it("hands back what it does not serve: unknown paths, methods a module lacks, next-auth, malformed escapes", async () => {
    expect((await get("/api/v1/nothing")).text).toBe("next");
    expect((await get("/api/v1/items/abc", { method: "DELETE" })).text).toBe("next");
    expect((await get("/api/auth/session")).text).toBe("next");
    expect((await get("/api/v1/items/%E0%A4%A")).text).toBe("next");
    expect((await get("/inbox")).text).toBe("next");
  });

  it("does not run the handler of a request whose client hung up before it started, and does not throw", async () => {
    const calls = () => (globalThis as { __routerCalls?: number }).__routerCalls ?? 0;
    const before = calls();
    const req = new IncomingMessage(new Socket());
    req.method = "POST";
    req.url = "/api/v1/calls";
    req.headers = { host: "localhost", "content-type": "application/json" };
    req.destroy();
    await expect(router.handle(req, new ServerResponse(req))).resolves.toBe(true);
    expect(calls()).toBe(before);
    // The same route still runs for a client that stays.
    expect((await get("/api/v1/calls", { method: "POST", body: "{}" })).res.status).toBe(204);
    expect(calls()).toBe(before + 1);
  });
});
