import { and, eq } from "drizzle-orm";
import webpush, { WebPushError, type Urgency } from "web-push";
import type { Queryable } from "@/lib/db/client";
import { pushSubscriptions } from "@/lib/db/schema/push";
import { getLogger } from "@/lib/log/logger";
import { pushPayloadSchema, type PushPayload } from "@/lib/notifications/schemas";
import { getVapidDetails } from "@/lib/notifications/vapid";

export type PushOptions = {
  /** How long the push service keeps the message for an offline browser, in seconds. */
  ttlSeconds?: number;
  urgency?: Urgency;
  /** Per-request timeout towards the push service. */
  timeoutMs?: number;
};

export type PushResult = { sent: number; removed: number; failed: number };

/**
 * Sends one notification to every browser the user subscribed. The payload
 * is encrypted to each browser's keys (aes128gcm) and signed with the hub's
 * VAPID key. A push service that answers 404 or 410 is saying the browser
 * unsubscribed, so that subscription is deleted; other failures are logged
 * and counted, and the subscription is kept for the next try.
 *
 * Makes network calls: never call it inside a transaction.
 */
export async function sendPush(db: Queryable, userId: string, payload: PushPayload, options: PushOptions = {}): Promise<PushResult> {
  const body = JSON.stringify(pushPayloadSchema.parse(payload));
  const subscriptions = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
  if (subscriptions.length === 0) return { sent: 0, removed: 0, failed: 0 };
  const vapid = await getVapidDetails(db);
  const log = getLogger();

  const outcomes = await Promise.all(
    subscriptions.map(async (subscription): Promise<keyof PushResult> => {
      try {
        await webpush.sendNotification({ endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, body, {
          vapidDetails: vapid,
          TTL: options.ttlSeconds ?? 24 * 60 * 60,
          urgency: options.urgency ?? "normal",
          timeout: options.timeoutMs ?? 10_000,
        });
        return "sent";
      } catch (error) {
        const status = error instanceof WebPushError ? error.statusCode : undefined;
        const service = new URL(subscription.endpoint).host;
        if (status === 404 || status === 410) {
          await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.id, subscription.id), eq(pushSubscriptions.userId, userId)));
          log.info({ subscriptionId: subscription.id, service, status }, "push subscription gone; removed");
          return "removed";
        }
        log.warn({ subscriptionId: subscription.id, service, status, detail: status ? undefined : (error as Error).message }, "push delivery failed");
        return "failed";
      }
    }),
  );
  const result: PushResult = { sent: 0, removed: 0, failed: 0 };
  for (const outcome of outcomes) result[outcome]++;
  return result;
}
