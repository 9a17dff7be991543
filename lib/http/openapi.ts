import { z } from "zod";
import type { Scope } from "@/lib/auth/actor";
import { ERROR_STATUS, ERROR_TITLES } from "@/lib/http/errors";
import type { AuthMode } from "@/lib/http/route";
import { apiKeyOperations } from "@/lib/auth/openapi";
import { deviceOperations } from "@/lib/devices/openapi";
import { smsOperations } from "@/lib/sms/openapi";
import { analyticsOperations } from "@/lib/analytics/openapi";
import { messageOperations } from "@/lib/messages/openapi";
import { userOperations } from "@/lib/users/openapi";
import { roomOperations, roomTags } from "@/lib/rooms/openapi";
import { taskOperations, taskTags } from "@/lib/tasks/openapi";
import { webhookOperations, webhookTags } from "@/lib/webhooks/openapi";
import { notificationOperations, notificationTags } from "@/lib/notifications/openapi";
import { adminOperations, adminTags } from "@/lib/users/admin-openapi";
import { jobOperations, jobTags } from "@/lib/jobs/openapi";

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes
 * validate with (zod 4's z.toJSONSchema; JSON Schema 2020-12 is OpenAPI
 * 3.1's dialect). Each domain describes its routes in a list of operations
 * in lib/<domain>/openapi.ts; a new feature adds its list to
 * OPERATION_LISTS below, and both /api/v1/openapi.json and the /docs/api
 * page pick it up.
 */
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export type ApiResponse = { description: string; schema?: z.ZodType; contentType?: string };

export type ApiOperation = {
  method: HttpMethod;
  /** OpenAPI path syntax: /api/v1/messages/{id} */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: AuthMode;
  scopes?: readonly Scope[];
  /** Accepts the API key as ?key= as well (forwarder apps). */
  queryKey?: boolean;
  /** Only a signed-in browser session, never an API key (the route's sessionOnly). */
  sessionOnly?: boolean;
  /** A device's API key is refused whatever its scopes (the route's refuseDeviceKeys). */
  refuseDeviceKeys?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * When `body` is a clearer rendering of what the route validates (the
   * ingest's single-or-batch union, say), the schema the route itself
   * validates with; the OpenAPI test checks it is the route's.
   */
  bodyDocuments?: z.ZodType;
  /** Default application/json. */
  bodyContentTypes?: readonly string[];
  responses: Record<number, ApiResponse>;
};

export type ApiTag = { name: string; description: string };

/**
 * What a value looks like once the API has sent it as JSON: Dates become
 * ISO strings, and undefined properties disappear.
 */
export type Serialized<T> = T extends Date
  ? string
  : T extends Array<infer Item>
    ? Array<Serialized<Item>>
    : T extends object
      ? { [K in keyof T as undefined extends T[K] ? never : K]: Serialized<T[K]> } & { [K in keyof T as undefined extends T[K] ? K : never]?: Serialized<Exclude<T[K], undefined>> }
      : T;

/**
 * true when A and B accept the same values and, for objects, name the same
 * properties (mutual assignability alone lets either side leave out an
 * optional one). A response schema written for the document is pinned to
 * the type the code returns with
 *   const _shape: SameShape<z.output<typeof taskSchema>, Serialized<TaskView>> = true;
 * so the two cannot drift apart without a compile error.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? SameKeys<A, B> : false) : false;
type SameKeys<A, B> = [A] extends [readonly unknown[]] ? true : [A] extends [object] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : true;

const problemSchema = z.object({
  type: z.string().meta({ description: "A link to the error's description, /docs/api#error-<code>." }),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional().meta({ description: "One item per invalid field." }),
});

const healthSchema = z.object({ status: z.literal("ok"), uptimeSeconds: z.number() });
const readySchema = z.object({ status: z.literal("ready"), database: z.literal("ok"), migrations: z.literal("applied") });

export const platformOperations: ApiOperation[] = [
  { method: "get", path: "/api/health", tag: "Operations", summary: "Liveness: the process answers (no database)", auth: "public", responses: { 200: { description: "Alive", schema: healthSchema } } },
  {
    method: "get",
    path: "/api/ready",
    tag: "Operations",
    summary: "Readiness: the database answers and every migration is applied",
    auth: "public",
    responses: { 200: { description: "Ready", schema: readySchema }, 503: { description: "Not ready" } },
  },
  {
    method: "get",
    path: "/api/metrics",
    tag: "Operations",
    summary: "Prometheus metrics",
    description: "Send METRICS_TOKEN as a bearer token, or call it with an administrator's session.",
    auth: "public",
    responses: { 200: { description: "Prometheus text exposition format", contentType: "text/plain" }, 401: { description: "No METRICS_TOKEN and no administrator session" } },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    tag: "Operations",
    summary: "This API description (OpenAPI 3.1)",
    auth: "public",
    responses: { 200: { description: "The OpenAPI document" } },
  },
];

export const API_TAGS: ApiTag[] = [
  { name: "Setup and account", description: "First run, and who the caller is." },
  { name: "API keys", description: "Scoped keys for devices, the CLI and integrations. Secrets are shown once." },
  { name: "Devices", description: "The phones that forward messages. Registering one returns its API key." },
  { name: "Messages", description: "The inbox: exactly-once ingest, reading, search, read state, tags, export." },
  { name: "Sync", description: "Gap-free delta sync of the inbox, and each device's acknowledged cursor." },
  { name: "Forwarder apps", description: "Requests from existing Android forwarder apps, accepted as the apps send them. See docs/forwarders.md." },
  { name: "Settings", description: "Per-user settings of the inbox." },
  { name: "SMS", description: "Inbound SMS through Twilio, phone-number verification, and SMS usage and cost. See docs/sms.md." },
  { name: "Analytics", description: "Admin analytics by section, and each person's own insights, over a UTC date range; any chart as CSV. See docs/analytics.md." },
  ...roomTags,
  ...taskTags,
  ...webhookTags,
  ...notificationTags,
  ...adminTags,
  ...jobTags,
  { name: "Operations", description: "Health, readiness, metrics and this document." },
];

/** Every domain's operations. A feature adds its list here. */
export const OPERATION_LISTS: ApiOperation[][] = [
  platformOperations,
  userOperations,
  apiKeyOperations,
  deviceOperations,
  messageOperations,
  smsOperations,
  analyticsOperations,
  roomOperations,
  taskOperations,
  webhookOperations,
  notificationOperations,
  adminOperations,
  jobOperations,
];

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  return rest;
}

function parameters(operation: ApiOperation): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [location, schema] of [
    ["path", operation.params],
    ["query", operation.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...propertySchema } = property;
      out.push({
        name,
        in: location,
        required: location === "path" || (object.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: propertySchema,
      });
    }
  }
  return out;
}

function security(operation: ApiOperation): Array<Record<string, string[]>> | undefined {
  if (operation.auth === "public") return undefined;
  if (operation.sessionOnly) return [{ session: [] }];
  const scopes = [...(operation.scopes ?? []), ...(operation.auth === "admin" ? ["admin"] : [])];
  const schemes: Array<Record<string, string[]>> = [{ bearerKey: scopes }];
  if (operation.queryKey) schemes.push({ queryKey: scopes });
  if (operation.auth !== "device") schemes.push({ session: [] });
  return schemes;
}

function authNote(operation: ApiOperation): string {
  const who =
    operation.auth === "public"
      ? "No authentication."
      : operation.auth === "device"
        ? "A device's API key."
        : operation.auth === "admin"
          ? "An administrator (session, or a key with the admin scope)."
          : "A session, or an API key.";
  if (operation.sessionOnly) return `${operation.auth === "admin" ? "An administrator's" : "A"} signed-in browser session only; API keys are refused.`;
  const scopes = operation.scopes && operation.scopes.length > 0 ? ` Scopes: ${operation.scopes.join(", ")}.` : "";
  const queryKey = operation.queryKey ? " The key may also be sent as ?key=." : "";
  const deviceKeys = operation.refuseDeviceKeys ? " A device's key is refused, whatever its scopes." : "";
  return `${who}${scopes}${queryKey}${deviceKeys}`;
}

export function buildOpenApiDocument(lists: ApiOperation[][], tags: ApiTag[] = API_TAGS): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of lists.flat()) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation.responses)) {
      const contentType = response.contentType ?? "application/json";
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content: { [contentType]: { schema: jsonSchema(response.schema, "output") } } } : response.contentType ? { content: { [contentType]: {} } } : {}),
      };
    }
    responses.default = { description: "An error, as RFC 9457 problem+json", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
    const parameterList = parameters(operation);
    const securityList = security(operation);
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method] = {
      operationId: `${operation.method}${operation.path.replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(.)?/g, (_, next: string | undefined) => (next ? next.toUpperCase() : ""))}`,
      tags: [operation.tag],
      summary: operation.summary,
      description: [operation.description, authNote(operation)].filter(Boolean).join("\n\n"),
      ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
      ...(operation.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries((operation.bodyContentTypes ?? ["application/json"]).map((type) => [type, { schema: jsonSchema(operation.body!, "input") }])),
            },
          }
        : {}),
      responses,
      ...(securityList ? { security: securityList } : { security: [] }),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Message Hub API",
      version: "1",
      description:
        "JSON in and out, camelCase, timestamps in ISO 8601 with an offset. Errors are application/problem+json. Lists take ?limit (default 50, max 500) and ?cursor and return {data, nextCursor, hasMore}. Every response carries X-Request-Id.",
    },
    tags,
    paths,
    components: {
      schemas: { Problem: jsonSchema(problemSchema, "output") },
      securitySchemes: {
        bearerKey: { type: "http", scheme: "bearer", description: "An API key: Authorization: Bearer mh_<prefix>_<secret>." },
        queryKey: { type: "apiKey", in: "query", name: "key", description: "The API key as ?key=, on the forwarder-app routes only." },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "The web app's session cookie." },
      },
    },
    "x-errors": Object.entries(ERROR_STATUS).map(([code, status]) => ({ code, status, title: ERROR_TITLES[code as keyof typeof ERROR_STATUS] })),
  };
}

let cached: Record<string, unknown> | undefined;

/** The hub's document, built once per process. */
export function openApiDocument(): Record<string, unknown> {
  cached ??= buildOpenApiDocument(OPERATION_LISTS);
  return cached;
}
