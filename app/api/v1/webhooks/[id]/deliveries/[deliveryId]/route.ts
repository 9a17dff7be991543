import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getDelivery } from "@/lib/webhooks/deliveries";
import { deliveryParams } from "@/lib/webhooks/schemas";

export const dynamic = "force-dynamic";

/** One delivery: the request body sent, the response status and body snippet, the duration. */
export const GET = route({ auth: "user", scopes: ["webhooks:read"], params: deliveryParams }, async ({ input, actor }) => ({
  delivery: await getDelivery(getDb(), actor.userId, input.params.id, input.params.deliveryId),
}));
