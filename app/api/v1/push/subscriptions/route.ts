import { getDb } from "@/lib/db/client";
import { created, noContent, route } from "@/lib/http/route";
import { deleteSubscription, listSubscriptions, saveSubscription } from "@/lib/notifications/push-subscriptions";
import { pushEndpointSchema, pushSubscriptionInputSchema } from "@/lib/notifications/schemas";

export const dynamic = "force-dynamic";

/** The browsers that receive the caller's pushes (endpoints only, never their keys). */
export const GET = route({ auth: "user", refuseDeviceKeys: true }, async ({ actor }) => ({ data: await listSubscriptions(getDb(), actor.userId) }));

/** Stores this browser's PushSubscription (the JSON of subscription.toJSON()). */
export const POST = route({ auth: "user", refuseDeviceKeys: true, body: pushSubscriptionInputSchema }, async ({ input, actor, req }) =>
  created({ subscription: await saveSubscription(getDb(), actor.userId, input.body, req.headers.get("user-agent")) }),
);

/** Unsubscribes a browser by its endpoint. */
export const DELETE = route({ auth: "user", refuseDeviceKeys: true, body: pushEndpointSchema }, async ({ input, actor }) => {
  await deleteSubscription(getDb(), actor.userId, input.body.endpoint);
  return noContent();
});
