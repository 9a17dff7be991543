import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { GET as openapiRoute } from "@/app/api/v1/openapi.json/route";
import ApiReferencePage from "@/app/docs/api/page";
import { buildOpenApiDocument, OPERATION_LISTS, type ApiOperation } from "@/lib/http/openapi";
import { messageInputSchema } from "@/lib/messages/schemas";
import { call } from "@/tests/helpers/http";
import { discoverRoutes } from "@/tests/helpers/api-routes";

/** The paths and methods API.md promises for the features built so far. */
const CONTRACT: Array<[string, string]> = [
  ["post", "/api/v1/setup"],
  ["get", "/api/v1/me"],
  ["post", "/api/v1/api-keys"],
  ["get", "/api/v1/api-keys"],
  ["delete", "/api/v1/api-keys/{id}"],
  ["post", "/api/v1/api-keys/{id}/rotate"],
  ["post", "/api/v1/devices/register"],
  ["get", "/api/v1/devices"],
  ["get", "/api/v1/devices/{id}"],
  ["patch", "/api/v1/devices/{id}"],
  ["delete", "/api/v1/devices/{id}"],
  ["post", "/api/v1/devices/{id}/heartbeat"],
  ["post", "/api/v1/messages"],
  ["get", "/api/v1/messages"],
  ["get", "/api/v1/messages/{id}"],
  ["put", "/api/v1/messages/{id}/read"],
  ["delete", "/api/v1/messages/{id}/read"],
  ["post", "/api/v1/messages/read"],
  ["patch", "/api/v1/messages/{id}"],
  ["delete", "/api/v1/messages/{id}"],
  ["get", "/api/v1/messages/threads"],
  ["get", "/api/v1/messages/export"],
  ["get", "/api/v1/sync/messages"],
  ["get", "/api/v1/sync/status"],
  ["put", "/api/v1/sync/status"],
  ["post", "/api/v1/ingest/smsgate"],
  ["post", "/api/v1/ingest/smsforwarder"],
  ["post", "/api/v1/ingest/sms-to-url"],
  ["post", "/api/v1/ingest/generic"],
  ["get", "/api/health"],
  ["get", "/api/ready"],
  ["get", "/api/metrics"],
];

describe("OpenAPI", () => {
  it("serves an OpenAPI 3.1 document without authentication, covering the contract", async () => {
    const result = await call(openapiRoute);
    expect(result.status).toBe(200);
    const document = result.body;
    expect(document.openapi).toBe("3.1.0");
    for (const [method, path] of CONTRACT) expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const operationIds = Object.values(document.paths).flatMap((methods: any) => Object.values(methods).map((operation: any) => operation.operationId));
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it("generates request schemas from the routes' own zod objects", async () => {
    const document = (await call(openapiRoute)).body;
    const ingest = document.paths["/api/v1/messages"].post;
    const [single, batch] = ingest.requestBody.content["application/json"].schema.anyOf;
    expect(single.required.sort()).toEqual(["body", "receivedAt", "sender", "type"]);
    expect(single.properties.type.enum).toEqual(["sms", "mms", "notification", "call", "email", "chat", "other"]);
    expect(batch.properties.messages.maxItems).toBe(500);
    expect(Object.keys(single.properties).sort()).toEqual(Object.keys(messageInputSchema.shape).sort());
    const list = document.paths["/api/v1/messages"].get.parameters.map((p: any) => p.name);
    expect(list).toEqual(expect.arrayContaining(["device", "type", "read", "tag", "priority", "q", "since", "until", "limit", "cursor"]));
    expect(document.paths["/api/v1/messages/{id}"].get.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    // The forwarder routes say they take ?key=; user routes take the session too.
    expect(document.paths["/api/v1/ingest/smsgate"].post.security).toEqual([{ bearerKey: ["messages:write"] }, { queryKey: ["messages:write"] }]);
    expect(document.paths["/api/v1/messages"].get.security).toContainEqual({ session: [] });
    expect(document.paths["/api/health"].get.security).toEqual([]);
  });

  it("describes every route as the route requires it: same auth, scopes and key rules, and the route's own zod schemas", async () => {
    const operations = new Map(OPERATION_LISTS.flat().map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation]));
    const routes = await discoverRoutes();
    expect(routes.filter((route) => !operations.has(route.key)).map((route) => route.key)).toEqual([]);
    // And nothing documented under /api/v1 that no route serves.
    const served = new Set(routes.map((route) => route.key));
    expect([...operations.keys()].filter((key) => key.includes(" /api/v1/") && !served.has(key))).toEqual([]);
    for (const route of routes) {
      const operation = operations.get(route.key)!;
      const options = route.handler.routeOptions;
      expect(options, `${route.key} is built with route()`).toBeDefined();
      const documented = {
        auth: operation.auth,
        scopes: [...(operation.scopes ?? [])].sort(),
        queryKey: operation.queryKey ?? false,
        sessionOnly: operation.sessionOnly ?? false,
        refuseDeviceKeys: operation.refuseDeviceKeys ?? false,
      };
      const required = {
        auth: options.auth,
        scopes: [...(options.scopes ?? [])].sort(),
        queryKey: options.allowQueryKey ?? false,
        sessionOnly: options.sessionOnly ?? false,
        refuseDeviceKeys: options.refuseDeviceKeys ?? false,
      };
      expect(documented, route.key).toEqual(required);
      // The very objects the route validates with, so the document cannot drift from them.
      if (options.params) expect(operation.params === options.params, `${route.key} documents the route's params schema`).toBe(true);
      if (options.query) expect(operation.query === options.query, `${route.key} documents the route's query schema`).toBe(true);
      if (options.body) expect(operation.body === options.body || operation.bodyDocuments === options.body, `${route.key} documents the route's body schema`).toBe(true);
    }
  });

  it("lets a feature add its operations by adding a list", () => {
    const extra: ApiOperation[] = [{ method: "get", path: "/api/v1/things", tag: "Things", summary: "Things", auth: "user", responses: { 200: { description: "ok" } } }];
    const document = buildOpenApiDocument([extra], [{ name: "Things", description: "d" }]) as any;
    expect(document.paths["/api/v1/things"].get.tags).toEqual(["Things"]);
  });

  it("renders a readable, escaped reference page grouped by tag, with the error anchors problem types link to", () => {
    const html = renderToStaticMarkup(ApiReferencePage());
    expect(html).toContain('id="messages"');
    expect(html).toContain('id="forwarder-apps"');
    expect(html).toContain("/api/v1/sync/messages");
    expect(html).toContain('id="error-validation-failed"');
    expect(html).toContain('id="error-not-found"');
    expect(html).not.toContain("<script");
    // Text from the document is escaped: the quotes in a description arrive as entities.
    expect(html).toContain("timestamp + &quot;\\n&quot; + secret");
  });
});
