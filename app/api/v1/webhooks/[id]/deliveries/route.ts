import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listDeliveries } from "@/lib/webhooks/deliveries";
import { listDeliveriesQuerySchema, webhookParams } from "@/lib/webhooks/schemas";

export const dynamic = "force-dynamic";

/** The webhook's delivery log, newest first. */
export const GET = route({ auth: "user", scopes: ["webhooks:read"], params: webhookParams, query: listDeliveriesQuerySchema }, async ({ input, actor }) =>
  listDeliveries(getDb(), actor.userId, input.params.id, input.query),
);
