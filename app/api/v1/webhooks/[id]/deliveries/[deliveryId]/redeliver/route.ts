import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { redeliver } from "@/lib/webhooks/deliveries";
import { deliveryParams } from "@/lib/webhooks/schemas";

export const dynamic = "force-dynamic";

/** Sends a past delivery again, as a new delivery with the same event id and body. */
export const POST = route({ auth: "user", scopes: ["webhooks:write"], params: deliveryParams }, async ({ input, actor }) =>
  created({ delivery: await redeliver(getDb(), actor.userId, input.params.id, input.params.deliveryId) }),
);
