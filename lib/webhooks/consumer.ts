import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { users } from "@/lib/db/schema/users";
import { webhookDeliveries, webhooks } from "@/lib/db/schema/webhooks";
import { wakeWorkers } from "@/lib/jobs/boss";
import type { ClaimedEvent, OutboxConsumer } from "@/lib/jobs/dispatcher";
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
  // One query per dispatched batch: an event that no enabled endpoint subscribes to gets no job.
  async relevant(tx, events) {
    const endpoints = await enabledEndpoints(tx, [...new Set(events.flatMap((event) => (event.userId ? [event.userId] : [])))]);
    return new Set(events.filter((event) => endpoints.some((endpoint) => receives(endpoint, event))).map((event) => event.id));
  },
  async handle(tx, event, { boss }) {
    const endpoints = await enabledEndpoints(tx, event.userId ? [event.userId] : []);
    const targets = endpoints.filter((endpoint) => receives(endpoint, event));
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

type Endpoint = { id: string; scope: string; userId: string; events: string[] };

/** Enabled endpoints of these users, and every enabled instance-wide endpoint whose owner is an active administrator. */
async function enabledEndpoints(tx: Tx, userIds: string[]): Promise<Endpoint[]> {
  const mine = userIds.length > 0 ? and(eq(webhooks.scope, "user"), inArray(webhooks.userId, userIds)) : undefined;
  const everyone = and(eq(webhooks.scope, "instance"), eq(users.role, "admin"), isNull(users.deactivatedAt));
  return tx
    .select({ id: webhooks.id, scope: webhooks.scope, userId: webhooks.userId, events: webhooks.events })
    .from(webhooks)
    .innerJoin(users, eq(users.id, webhooks.userId))
    .where(and(isNull(webhooks.disabledAt), mine ? or(mine, everyone) : everyone));
}

function receives(endpoint: Endpoint, event: Pick<ClaimedEvent, "type" | "userId">): boolean {
  if (endpoint.scope === "user" && endpoint.userId !== event.userId) return false;
  return subscribes(endpoint.events, event.type);
}
