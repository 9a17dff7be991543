import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** What every log line of one HTTP request or socket event carries. */
export type RequestContext = {
  requestId: string;
  userId?: string;
  /** The client's address and user agent, for the audit log (never written to log lines). */
  ip?: string;
  userAgent?: string;
};

const STORE_KEY = Symbol.for("message-hub.request-context");
type Holder = { [STORE_KEY]?: AsyncLocalStorage<RequestContext> };

// One store per process, shared by the custom server and the route handlers
// that Next bundles separately.
function store(): AsyncLocalStorage<RequestContext> {
  const holder = globalThis as Holder;
  holder[STORE_KEY] ??= new AsyncLocalStorage<RequestContext>();
  return holder[STORE_KEY];
}

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return store().run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return store().getStore();
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's request id when it is sane, otherwise makes a new one. */
export function requestIdFrom(header: string | null | undefined): string {
  if (header && REQUEST_ID.test(header)) return header;
  return randomUUID();
}
