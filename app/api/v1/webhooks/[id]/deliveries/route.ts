import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { DELIVERY_STATUSES } from "@/lib/db/schema/webhooks";
import { route } from "@/lib/http/route";
import { listDeliveries } from "@/lib/webhooks/deliveries";
import { listQuerySchema, webhookParams } from "@/lib/webhooks/schemas";

export const dynamic = "force-dynamic";

const query = listQuerySchema.extend({ status: z.enum(DELIVERY_STATUSES).optional() });

/** The webhook's delivery log, newest first. */
export const GET = route({ auth: "user", scopes: ["webhooks:read"], params: webhookParams, query }, async ({ input, actor }) =>
  listDeliveries(getDb(), actor.userId, input.params.id, input.query),
);
