import { readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { BufferedRequest, TextResponse } from "@/lib/http/body";

/**
 * Serves the API's route handlers (app/api/**\/route.ts) straight from the
 * custom server, without Next's request pipeline (docs/adr/0004).
 *
 * Every handler is a plain `(Request, { params }) => Response` built on the
 * route wrapper (lib/http/route.ts), which does all of the API's own work:
 * request id, authentication, scopes, rate limits, zod validation and
 * problem+json. Next's pipeline around it (route matching over the whole app,
 * its request and response adapters, static-generation bookkeeping) cost
 * about a millisecond of CPU per request, most of an API call's budget on a
 * small machine. The handlers themselves are the same modules Next builds;
 * they keep working under `next dev`, `next start` and the tests.
 *
 * Left to Next: next-auth (it reads Next's request context), every page, and
 * any method a route module does not export (Next answers HEAD, OPTIONS and
 * 405 for those).
 */
type Handler = (req: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type RouteModule = Partial<Record<string, unknown>>;

type Segment = { kind: "static"; value: string } | { kind: "param"; name: string } | { kind: "rest"; name: string };

type Route = {
  file: string;
  segments: Segment[];
  module?: Promise<RouteModule>;
};

/** Route folders whose handlers need Next's own request context. */
const LEFT_TO_NEXT = new Set(["auth"]);

export type ApiRouter = {
  /** Serves the request when a route module exports its method; false hands it back. */
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** The routes found, as URL patterns (for the boot log and tests). */
  patterns: string[];
};

export function createApiRouter(appDir: string): ApiRouter {
  const routes = discover(path.join(appDir, "api"), ["api"]).sort(bySpecificity);

  const match = (pathname: string): { route: Route; params: Record<string, string | string[]> } | null => {
    const parts = pathname.split("/").filter(Boolean);
    let decoded: string[];
    try {
      decoded = parts.map((part) => decodeURIComponent(part));
    } catch {
      return null; // Malformed escapes: Next answers them.
    }
    for (const route of routes) {
      const params = matchSegments(route.segments, decoded);
      if (params) return { route, params };
    }
    return null;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = req.url ?? "/";
    if (!url.startsWith("/api/")) return false;
    const found = match(url.split("?")[0]!);
    if (!found) return false;
    found.route.module ??= import(pathToFileURL(found.route.file).href) as Promise<RouteModule>;
    const handler = (await found.route.module)[req.method ?? "GET"];
    if (typeof handler !== "function") return false;
    // The client hung up before its handler could start: there is no one to
    // answer and no body left to read, so it is not run.
    if (req.destroyed) return true;
    let body: Buffer<ArrayBuffer> | undefined;
    if (hasSmallBody(req)) {
      try {
        body = await readAll(req);
      } catch (error) {
        // The client hung up mid-body: no one is left to answer.
        if (req.destroyed) return true;
        throw error;
      }
    }
    const response = await (handler as Handler)(toRequest(req, body), { params: Promise.resolve(found.params) });
    await send(response, res);
    return true;
  };

  return { handle, patterns: routes.map((route) => `/${route.segments.map(show).join("/")}`) };
}

function discover(dir: string, prefix: string[]): Route[] {
  const found: Route[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (prefix.length === 1 && LEFT_TO_NEXT.has(entry.name)) continue;
      found.push(...discover(path.join(dir, entry.name), [...prefix, entry.name]));
    } else if (entry.name === "route.ts" || entry.name === "route.js") {
      found.push({ file: path.join(dir, entry.name), segments: prefix.map(segment) });
    }
  }
  return found;
}

function segment(name: string): Segment {
  const rest = /^\[\.\.\.(\w+)\]$/.exec(name);
  if (rest) return { kind: "rest", name: rest[1]! };
  const param = /^\[(\w+)\]$/.exec(name);
  if (param) return { kind: "param", name: param[1]! };
  return { kind: "static", value: name };
}

const show = (s: Segment) => (s.kind === "static" ? s.value : s.kind === "param" ? `[${s.name}]` : `[...${s.name}]`);

/** As Next ranks them: at the first difference, a static segment beats a parameter, which beats a catch-all. */
function bySpecificity(a: Route, b: Route): number {
  const rank = { static: 0, param: 1, rest: 2 } as const;
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (!x || !y) return x ? 1 : -1;
    if (rank[x.kind] !== rank[y.kind]) return rank[x.kind] - rank[y.kind];
  }
  return 0;
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string | string[]> | null {
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.kind === "rest") {
      if (i >= parts.length) return null;
      params[s.name] = parts.slice(i);
      return params;
    }
    const part = parts[i];
    if (part === undefined) return null;
    if (s.kind === "static" ? part !== s.value : false) return null;
    if (s.kind === "param") params[s.name] = part;
  }
  return parts.length === segments.length ? params : null;
}

/**
 * Bodies that declare a small length are read here into one buffer, which is
 * cheaper than adapting the Node stream to a web stream. Larger and chunked
 * bodies stream, so the route's size limit still stops them early.
 */
const SMALL_BODY_BYTES = 64 * 1024;

function hasSmallBody(req: IncomingMessage): boolean {
  if (req.method === "GET" || req.method === "HEAD" || req.headers["transfer-encoding"] !== undefined) return false;
  const declared = Number(req.headers["content-length"]);
  return Number.isInteger(declared) && declared > 0 && declared <= SMALL_BODY_BYTES;
}

function readAll(req: IncomingMessage): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const gone = () => fail(new Error("the client hung up before the body arrived"));
    const cleanup = () => req.off("data", collect).off("end", done).off("error", fail).off("close", gone);
    const collect = (chunk: Buffer) => chunks.push(chunk);
    const done = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    req.on("data", collect).once("end", done).once("error", fail).once("close", gone);
  });
}

/**
 * A Fetch Request for the handler. The server has already replaced the
 * client-address and forwarded host and protocol headers with its own
 * values, so the URL is built from those, as Next builds it.
 */
function toRequest(req: IncomingMessage, buffered?: Buffer<ArrayBuffer>): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // The server rewrites these three on req.headers; rawHeaders still holds what the client sent.
    if (/^x-(hub-client-ip|forwarded-host|forwarded-proto|request-id)$/i.test(name)) continue;
    headers.append(name, raw[i + 1]!);
  }
  for (const name of ["x-hub-client-ip", "x-forwarded-host", "x-forwarded-proto", "x-request-id"]) {
    const value = req.headers[name];
    if (typeof value === "string") headers.set(name, value);
  }
  const proto = req.headers["x-forwarded-proto"] === "https" ? "https" : "http";
  const host = (req.headers["x-forwarded-host"] as string | undefined) ?? req.headers.host ?? "localhost";
  const method = req.method ?? "GET";
  const url = `${proto}://${host}${req.url ?? "/"}`;
  if (buffered) return new BufferedRequest(url, { method, headers }, buffered);
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    // @ts-expect-error: Node's fetch needs duplex for a streamed body; the DOM types do not know it.
    duplex: hasBody ? "half" : undefined,
  });
}

/**
 * Writes a Fetch Response to the Node response, streaming its body with
 * backpressure. A route's JSON answer (TextResponse) goes out as its text in
 * one write with its Content-Length; so does any other body that ends after
 * its first chunk, rather than as a chunked body and a separate terminating
 * write.
 */
async function send(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  const cookies = response.headers.getSetCookie();
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (response instanceof TextResponse && !response.bodyUsed) {
    const chunks = response.takeChunks();
    if (res.destroyed) return;
    if (chunks.length === 1) {
      res.end(chunks[0]);
      return;
    }
    // As buffers, each encoded on its own: strings written in one tick would
    // be copied into one buffer of the whole size for the socket (see TextResponse).
    const buffers = chunks.map((chunk) => Buffer.from(chunk, "utf8"));
    res.setHeader("content-length", buffers.reduce((total, buffer) => total + buffer.byteLength, 0));
    for (const buffer of buffers.slice(0, -1)) res.write(buffer);
    res.end(buffers[buffers.length - 1]);
    return;
  }
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const gone = () => void reader.cancel().catch(() => {});
  res.once("close", gone);
  try {
    const first = await reader.read();
    if (first.done) {
      res.end();
      return;
    }
    let next = await reader.read();
    if (next.done) {
      if (!res.destroyed) res.end(first.value);
      return;
    }
    if (res.destroyed) return;
    res.write(first.value);
    for (; !next.done; next = await reader.read()) {
      if (res.destroyed) return;
      if (!res.write(next.value)) await drained(res);
    }
    res.end();
  } finally {
    res.off("close", gone);
  }
}

/**
 * Resolves when the response can take more (drain) or has gone (close), and
 * removes both listeners either way: a long export waits thousands of times,
 * and listeners left behind would grow with its size.
 */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.once("drain", done).once("close", done);
  });
}
