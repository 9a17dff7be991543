import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { updateWebhookSchema, webhookParams } from "@/lib/webhooks/schemas";
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/webhooks/webhooks";

export const dynamic = "force-dynamic";

/** One of the caller's webhooks; another user's is a 404. */
export const GET = route({ auth: "user", scopes: ["webhooks:read"], params: webhookParams }, async ({ input, actor }) => ({
  webhook: await getWebhook(getDb(), actor.userId, input.params.id),
}));

/** Changes the URL, events or description, or disables / re-enables it (`active`). */
export const PATCH = route({ auth: "user", scopes: ["webhooks:write"], params: webhookParams, body: updateWebhookSchema }, async ({ input, actor }) => ({
  webhook: await updateWebhook(getDb(), actor.userId, input.params.id, input.body),
}));

/** Removes the webhook and its delivery log. */
export const DELETE = route({ auth: "user", scopes: ["webhooks:write"], params: webhookParams }, async ({ input, actor }) => {
  await deleteWebhook(getDb(), actor.userId, input.params.id);
  return noContent();
});
