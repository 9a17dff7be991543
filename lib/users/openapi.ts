import { z } from "zod";
import { SCOPES } from "@/lib/auth/actor";
import { apiKeySchema } from "@/lib/auth/api-keys";
import type { ApiOperation } from "@/lib/http/openapi";
import { publicUserSchema, setupSchema } from "@/lib/users/schemas";

const setupResponseSchema = z.object({ user: publicUserSchema, apiKey: apiKeySchema, key: z.string().meta({ description: "An all-scopes key, shown once." }) });
const meSchema = z.object({
  user: publicUserSchema,
  auth: z.object({ via: z.enum(["session", "apiKey"]), scopes: z.array(z.enum(SCOPES)), apiKeyId: z.string().nullable(), deviceId: z.string().nullable() }),
});

export const userOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/setup",
    tag: "Setup and account",
    summary: "Create the first administrator",
    description: "Works only while no user exists; afterwards it answers 409.",
    auth: "public",
    body: setupSchema,
    responses: { 201: { description: "The first administrator and an all-scopes API key", schema: setupResponseSchema }, 409: { description: "Setup is already done" } },
  },
  { method: "get", path: "/api/v1/me", tag: "Setup and account", summary: "Who the caller is, and how they authenticated", auth: "user", responses: { 200: { description: "The caller", schema: meSchema } } },
];
