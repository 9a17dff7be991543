import { rememberSecret, rememberSecretsIn } from "@/tests/helpers/logs";

/**
 * Calls a route handler the way Next does, with a real Request, and reads
 * back status, headers and the parsed body. Every password it sends and
 * every key, secret or token it receives is recorded for the end-of-run
 * log scan (tests/helpers/logs.ts).
 */
type Handler = (req: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export type CallOptions = {
  method?: string;
  path?: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** A raw body (string or bytes) sent as is, with its own content type. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
  params?: Record<string, string | string[]>;
  key?: string;
  ip?: string;
};

export type CallResult<T = any> = { status: number; headers: Headers; body: T; text: string };

export async function call<T = any>(handler: Handler, options: CallOptions = {}): Promise<CallResult<T>> {
  const url = new URL(`http://hub.test${options.path ?? "/api/test"}`);
  for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
  const headers = new Headers(options.headers);
  headers.set("x-hub-client-ip", options.ip ?? "203.0.113.10");
  if (options.key) headers.set("authorization", `Bearer ${rememberSecret("api-key", options.key)}`);
  rememberSecretsIn(options.body, "request");
  let body: BodyInit | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody as BodyInit;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const req = new Request(url, { method: options.method ?? (body ? "POST" : "GET"), headers, body, duplex: "half" } as RequestInit);
  const res = await handler(req, { params: Promise.resolve(options.params ?? {}) });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get("content-type") ?? "").includes("json") && text) parsed = JSON.parse(text);
  rememberSecretsIn(parsed, "response");
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}
