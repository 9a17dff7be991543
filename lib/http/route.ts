import type { Logger } from "pino";
import { z } from "zod";
import { getConfig } from "@/lib/config/env";
import { currentContext, requestIdFrom, runWithContext } from "@/lib/log/context";
import { getLogger } from "@/lib/log/logger";
import { AppError, isAppError, problemResponse, type FieldError } from "@/lib/http/errors";
import { parseBody, readBody, TextResponse, type BodyKind } from "@/lib/http/body";
import { consume, limitKey, type LimitName } from "@/lib/http/rate-limit";
import { hasScopes, type Actor, type Scope } from "@/lib/auth/actor";
import { authenticate } from "@/lib/auth/authenticate";
import { assertSameOrigin, isSafeMethod } from "@/lib/http/csrf";
import { noteActivity } from "@/lib/analytics/activity";

/**
 * The one wrapper every route handler goes through. It gives each request an
 * id, resolves who is calling, checks scopes and rate limits, parses the body,
 * query and params with zod, and turns every error into problem+json.
 *
 *   export const POST = route({ auth: "user", scopes: ["messages:write"], body: Schema },
 *     async ({ input, actor }) => created(await createThing(getDb(), actor, input.body)));
 */
export type AuthMode = "public" | "user" | "device" | "admin";

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type RouteOptions<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined, A extends AuthMode> = {
  auth: A;
  scopes?: readonly Scope[];
  body?: B;
  query?: Q;
  params?: P;
  /** Which encodings the body may use. Default json. */
  bodyKind?: BodyKind;
  /** Largest body accepted, in bytes. Default MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  /** Named rate limit, charged per actor (or per IP when public). Default "api"; false for none. */
  rateLimit?: LimitName | false;
  /** Accept the API key as ?key= (forwarder apps that cannot set headers). */
  allowQueryKey?: boolean;
  /**
   * Only a signed-in browser session may call this route, never an API key:
   * account security (password, two-factor, sessions), where a leaked key
   * must not be enough.
   */
  sessionOnly?: boolean;
  /**
   * A device's API key may not call this route, whatever its scopes: account
   * settings a phone has no business changing (its key sits in a forwarder
   * app, sometimes in a URL), such as the retention rule that deletes messages.
   */
  refuseDeviceKeys?: boolean;
};

export type RouteContext<B, Q, P, A extends AuthMode> = {
  input: { body: Out<B>; query: Out<Q>; params: Out<P> };
  actor: A extends "public" ? Actor | null : Actor;
  req: Request;
  /** The body as received, for signature checks. Empty when the route takes no body. */
  rawBody: Buffer;
  requestId: string;
  ip: string;
  log: Logger;
};

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * A route handler, carrying the options it was built with, so the OpenAPI
 * document can be checked against what each route really requires
 * (tests/integration/inbox-openapi.test.ts).
 */
export type RouteHandler = ((req: Request, context?: NextRouteContext) => Promise<Response>) & {
  readonly routeOptions: RouteOptions<Schema | undefined, Schema | undefined, Schema | undefined, AuthMode>;
};

export function route<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined, A extends AuthMode = AuthMode>(
  options: RouteOptions<B, Q, P, A>,
  handler: (context: RouteContext<B, Q, P, A>) => Promise<Response | unknown>,
): RouteHandler {
  const run = async (req: Request, nextContext?: NextRouteContext): Promise<Response> => {
    const requestId = currentContext()?.requestId ?? requestIdFrom(req.headers.get("x-request-id"));
    const ip = clientIp(req);
    return runWithContext({ requestId, ip, userAgent: req.headers.get("user-agent") ?? undefined }, async () => {
      const log = getLogger();
      try {
        const actor = await resolveActor(req, options);
        if (actor) {
          const context = currentContext();
          if (context) context.userId = actor.userId;
          // Daily active users; a phone forwarding with its device key is not a person's activity.
          if (!actor.deviceId) noteActivity(actor.userId);
          // The session cookie rides along on any request the browser makes; an API key never does.
          if (actor.via === "session" && !isSafeMethod(req.method)) assertSameOrigin(req);
        }
        if (options.rateLimit !== false) {
          const limit = options.rateLimit ?? "api";
          await consume(limit, limitKey(limit, actor, ip));
        }

        const url = new URL(req.url);
        const rawParams = nextContext ? await nextContext.params : {};
        const params = options.params ? validate(options.params, rawParams, "params") : undefined;
        const query = options.query ? validate(options.query, queryObject(url.searchParams), "query") : undefined;
        let rawBody: Buffer = Buffer.alloc(0);
        let body: unknown = undefined;
        if (options.body) {
          rawBody = await readBody(req, options.maxBodyBytes ?? getConfig().MAX_BODY_BYTES);
          body = validate(options.body, parseBody(req, rawBody, options.bodyKind ?? "json"), "body");
        }

        const result = await handler({
          input: { body, query, params } as RouteContext<B, Q, P, A>["input"],
          actor: actor as RouteContext<B, Q, P, A>["actor"],
          req,
          rawBody,
          requestId,
          ip,
          log,
        });
        const response = result instanceof Response ? result : json(result);
        if (!response.headers.has("x-request-id")) response.headers.set("x-request-id", requestId);
        return response;
      } catch (error) {
        return errorResponse(error, requestId, log, req);
      }
    });
  };
  return Object.assign(run, { routeOptions: options });
}

async function resolveActor(req: Request, options: RouteOptions<Schema | undefined, Schema | undefined, Schema | undefined, AuthMode>): Promise<Actor | null> {
  const actor = await authenticate(req, { allowQueryKey: options.allowQueryKey ?? false });
  if (options.auth === "public") return actor;
  if (!actor) throw new AppError("unauthorized", "Sign in, or send an API key as 'Authorization: Bearer mh_…'", { headers: { "www-authenticate": 'Bearer realm="message-hub"' } });
  if (options.sessionOnly && actor.via !== "session") {
    throw new AppError("forbidden", "This route takes a signed-in browser session, not an API key");
  }
  if (options.refuseDeviceKeys && actor.deviceId) {
    throw new AppError("forbidden", "A device's API key cannot change this setting; use your own session or API key");
  }
  if (options.auth === "device" && !actor.deviceId) {
    throw new AppError("forbidden", "This route takes a device's API key");
  }
  if (options.auth === "admin" && (actor.role !== "admin" || !hasScopes(actor, ["admin"]))) {
    throw new AppError("forbidden", "This route is for administrators");
  }
  if (options.scopes && !hasScopes(actor, options.scopes)) {
    throw new AppError("forbidden", `This API key lacks the scope ${options.scopes.filter((s) => !actor.scopes.includes(s)).join(", ")}`);
  }
  return actor;
}

function validate<S extends Schema>(schema: S, value: unknown, where: "body" | "query" | "params"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  if (where === "params") throw new AppError("not_found", "Not found");
  throw new AppError("validation_failed", `The ${where} failed validation`, { errors: fieldErrors(result.error, where) });
}

export function fieldErrors(error: z.ZodError, where: string): FieldError[] {
  return error.issues.slice(0, 50).map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
    code: issue.code,
  }));
}

/** Repeated keys become arrays; single keys stay strings. */
function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/** The client's address as the custom server saw it (it strips any spoofed header). */
export function clientIp(req: Request): string {
  return req.headers.get("x-hub-client-ip") ?? "unknown";
}

function errorResponse(error: unknown, requestId: string, log: Logger, req: Request): Response {
  const path = safePath(req.url);
  if (isAppError(error)) {
    log.info({ status: error.status, code: error.code, method: req.method, path, detail: error.message }, "request refused");
    return problemResponse(error, requestId);
  }
  log.error({ err: error, method: req.method, path }, "unhandled error in route");
  return problemResponse(new AppError("internal", `Something went wrong on our side. Quote request id ${requestId} when reporting it.`), requestId);
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export function json(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new TextResponse(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...init.headers },
  });
}

/**
 * A body the caller has already serialised as JSON (for pages rendered by
 * the database), whole or as chunks in order (see TextResponse).
 */
export function rawJson(text: string | string[], init: { status?: number } = {}): Response {
  return new TextResponse(text, { status: init.status ?? 200, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
}

export function created(data: unknown, headers?: Record<string, string>): Response {
  return json(data, { status: 201, headers });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}
