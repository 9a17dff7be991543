import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { createWebhookSchema, listQuerySchema } from "@/lib/webhooks/schemas";
import { createWebhook, listWebhooks } from "@/lib/webhooks/webhooks";

export const dynamic = "force-dynamic";

/** The caller's webhooks (never their secrets). */
export const GET = route({ auth: "user", scopes: ["webhooks:read"], query: listQuerySchema }, async ({ input, actor }) =>
  listWebhooks(getDb(), actor.userId, input.query),
);

/** Registers an endpoint; the signing secret is in this response once and never again. */
export const POST = route({ auth: "user", scopes: ["webhooks:write"], body: createWebhookSchema }, async ({ input, actor }) =>
  created(await createWebhook(getDb(), actor, input.body)),
);
