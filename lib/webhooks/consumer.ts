import { and, eq, isNull, or } from "drizzle-orm";
import { newId } from "@/lib/db/ids";
import { users } from "@/lib/db/schema/users";
import { webhookDeliveries, webhooks } from "@/lib/db/schema/webhooks";
import { wakeWorkers } from "@/lib/jobs/boss";
import type { OutboxConsumer } from "@/lib/jobs/dispatcher";
import { DELIVERY_QUEUE, enqueueAttempt } from "@/lib/webhooks/deliveries";
import { subscribes, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";

/**
 * The outbox consumer that fans an event out to webhook endpoints: one
 * delivery row and one first-attempt job per subscribed endpoint, written in
 * the consumer's transaction (so exactly once per event).
 *
 * Who receives what: a user's endpoints get events whose userId is that user;
 * instance-wide endpoints get every event, while their owner is still an
 * active administrator.
 */
export const webhooksConsumer: OutboxConsumer = {
  name: "webhooks",
  types: WEBHOOK_EVENT_TYPES,
  async handle(tx, event, { boss }) {
    const mine = event.userId ? and(eq(webhooks.scope, "user"), eq(webhooks.userId, event.userId)) : undefined;
    const everyone = and(eq(webhooks.scope, "instance"), eq(users.role, "admin"), isNull(users.deactivatedAt));
    const endpoints = await tx
      .select({ id: webhooks.id, events: webhooks.events })
      .from(webhooks)
      .innerJoin(users, eq(users.id, webhooks.userId))
      .where(and(isNull(webhooks.disabledAt), mine ? or(mine, everyone) : everyone));
    const targets = endpoints.filter((endpoint) => subscribes(endpoint.events, event.type));
    if (targets.length === 0) return;

    // Serialised once, so every attempt (and any redelivery) signs and sends the same bytes.
    const requestBody = JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), data: event.data });
    const now = new Date();
    const created = await tx
      .insert(webhookDeliveries)
      .values(targets.map((target) => ({ id: newId("dlv"), webhookId: target.id, eventId: event.id, eventType: event.type, requestBody, nextAttemptAt: now })))
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    for (const delivery of created) await enqueueAttempt(tx, boss, delivery.id, 1, now);
    return () => wakeWorkers(DELIVERY_QUEUE);
  },
};
