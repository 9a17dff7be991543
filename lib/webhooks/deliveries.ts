import { and, desc, eq, lt } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { getConfig } from "@/lib/config/env";
import type { Database, Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { webhookDeliveries, webhooks, type DeliveryStatus } from "@/lib/db/schema/webhooks";
import { enqueueInTx, getBoss, jobIdFor, wakeWorkers } from "@/lib/jobs/boss";
import { AppError } from "@/lib/http/errors";
import { encodeListCursor, type DeliveryView } from "@/lib/webhooks/schemas";

/**
 * The delivery log and the queue behind it. One row per (endpoint, event) or
 * manual redelivery; each attempt is a pg-boss job on DELIVERY_QUEUE that
 * starts at the row's next_attempt_at. The row is the truth (status, attempt
 * count, last response); a job whose attempt number no longer matches the
 * row is stale and does nothing.
 */
export const DELIVERY_QUEUE = "webhook-deliver";

export type DeliveryJob = { deliveryId: string; attempt: number };

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempt: row.attempt,
    requestBody: row.requestBody,
    responseStatus: row.responseStatus,
    responseBody: row.responseBody,
    durationMs: row.durationMs,
    error: row.error,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    redeliveryOf: row.redeliveryOf,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The pg-boss options of an attempt's job. Its retries cover a worker crash, not an HTTP failure (that is the row's own schedule). */
export function attemptJob(deliveryId: string, attempt: number, startAfter: Date): PgBoss.JobInsert<DeliveryJob> {
  return {
    id: jobIdFor(`${deliveryId}:${attempt}`),
    name: DELIVERY_QUEUE,
    data: { deliveryId, attempt },
    startAfter: startAfter.toISOString(),
    // Groups one delivery's attempts in the jobs admin.
    singletonKey: deliveryId,
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: Math.ceil(getConfig().WEBHOOK_TIMEOUT_MS / 1000) + 60,
  };
}

/** Enqueues an attempt in the caller's transaction: the job exists if and only if the row change commits. */
export async function enqueueAttempt(tx: Queryable, boss: PgBoss, deliveryId: string, attempt: number, startAfter: Date): Promise<void> {
  await enqueueInTx(tx, boss, [attemptJob(deliveryId, attempt, startAfter)]);
}

export async function listDeliveries(
  db: Queryable,
  userId: string,
  webhookId: string,
  page: { limit: number; cursor?: string; status?: DeliveryStatus },
): Promise<{ data: DeliveryView[]; nextCursor: string | null; hasMore: boolean }> {
  await assertOwnWebhook(db, userId, webhookId);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhookId),
        page.cursor ? lt(webhookDeliveries.id, page.cursor) : undefined,
        page.status ? eq(webhookDeliveries.status, page.status) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit).map(toDeliveryView);
  return { data, hasMore, nextCursor: hasMore ? encodeListCursor(data[data.length - 1]!.id) : null };
}

async function assertOwnWebhook(db: Queryable, userId: string, webhookId: string): Promise<typeof webhooks.$inferSelect> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.userId, userId), eq(webhooks.id, webhookId)));
  if (!row) throw new AppError("not_found", "Webhook not found");
  return row;
}

/** One delivery of one of the user's webhooks; the owner check is in the join. */
async function findOwnDelivery(db: Queryable, userId: string, webhookId: string, deliveryId: string): Promise<{ delivery: DeliveryRow; webhook: typeof webhooks.$inferSelect }> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, webhook: webhooks })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(eq(webhooks.userId, userId), eq(webhooks.id, webhookId), eq(webhookDeliveries.id, deliveryId)));
  if (!row) throw new AppError("not_found", "Delivery not found");
  return row;
}

export async function getDelivery(db: Queryable, userId: string, webhookId: string, deliveryId: string): Promise<DeliveryView> {
  return toDeliveryView((await findOwnDelivery(db, userId, webhookId, deliveryId)).delivery);
}

/**
 * Sends a past delivery again as a new delivery (new id, so a new
 * X-Hub-Delivery), with the same event id and body, and the full retry
 * schedule of its own.
 */
export async function redeliver(db: Database, userId: string, webhookId: string, deliveryId: string, options: { boss?: PgBoss; now?: Date } = {}): Promise<DeliveryView> {
  const now = options.now ?? new Date();
  const row = await db.transaction(async (tx) => {
    const { delivery, webhook } = await findOwnDelivery(tx, userId, webhookId, deliveryId);
    if (webhook.disabledAt) throw new AppError("conflict", "This webhook is disabled; enable it before redelivering");
    const boss = options.boss ?? getBoss();
    if (!boss) throw new AppError("unavailable", "The job runner is not running; try again shortly");
    const [created] = await tx
      .insert(webhookDeliveries)
      .values({
        id: newId("dlv"),
        webhookId: webhook.id,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        requestBody: delivery.requestBody,
        redeliveryOf: delivery.id,
        nextAttemptAt: now,
      })
      .returning();
    await enqueueAttempt(tx, boss, created!.id, 1, now);
    return created!;
  });
  wakeWorkers(DELIVERY_QUEUE);
  return toDeliveryView(row);
}
