import { z } from "zod";
import { apiKeySchema, createApiKeySchema } from "@/lib/auth/api-keys";
import { idParams } from "@/lib/auth/params";
import type { ApiOperation } from "@/lib/http/openapi";

const keyWithSecret = z.object({ apiKey: apiKeySchema, key: z.string().meta({ description: "The secret, shown once." }) });

export const apiKeyOperations: ApiOperation[] = [
  { method: "get", path: "/api/v1/api-keys", tag: "API keys", summary: "List the caller's live keys (never their secrets)", auth: "user", responses: { 200: { description: "Keys", schema: z.object({ data: z.array(apiKeySchema) }) } } },
  {
    method: "post",
    path: "/api/v1/api-keys",
    tag: "API keys",
    summary: "Create a key",
    description: "A key can only hold scopes its creator holds.",
    auth: "user",
    body: createApiKeySchema,
    responses: { 201: { description: "The key and its secret", schema: keyWithSecret } },
  },
  {
    method: "delete",
    path: "/api/v1/api-keys/{id}",
    tag: "API keys",
    summary: "Revoke a key at once",
    auth: "user",
    params: idParams,
    responses: { 200: { description: "The revoked key", schema: z.object({ apiKey: apiKeySchema }) } },
  },
  {
    method: "post",
    path: "/api/v1/api-keys/{id}/rotate",
    tag: "API keys",
    summary: "Replace a key's secret; the old one stops working",
    auth: "user",
    params: idParams,
    responses: { 201: { description: "The new key and secret, and the replaced key", schema: keyWithSecret.extend({ replaced: apiKeySchema }) } },
  },
];
