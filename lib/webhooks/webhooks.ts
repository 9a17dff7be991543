import { and, count, desc, eq, lt, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Database, Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { webhooks } from "@/lib/db/schema/webhooks";
import { AppError } from "@/lib/http/errors";
import { encodeListCursor, type CreateWebhookInput, type UpdateWebhookInput, type WebhookView } from "@/lib/webhooks/schemas";
import { encryptSecret, generateSecret } from "@/lib/webhooks/secrets";
import { checkTarget, TargetRefusedError, type Resolver } from "@/lib/webhooks/targets";

/**
 * Webhook endpoints: register, list, change, remove. Every query carries the
 * owner in its where clause; another user's webhook is a 404.
 */
type WebhookRow = typeof webhooks.$inferSelect;

/** Endpoints per user: enough for real integrations, few enough that one event cannot fan out into a flood. */
export const MAX_WEBHOOKS_PER_USER = 25;

export function toWebhookView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    scope: row.scope,
    active: row.disabledAt === null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
    failureCount: row.failureCount,
    failingSince: row.failingSince?.toISOString() ?? null,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Refuses an SSRF target as a 422 on body.url, the field the user must fix. */
async function assertTargetAllowed(url: string, resolver?: Resolver): Promise<void> {
  try {
    await checkTarget(url, { resolver });
  } catch (error) {
    if (error instanceof TargetRefusedError) {
      throw new AppError("validation_failed", `The webhook URL ${error.message}`, { errors: [{ path: "body.url", message: error.message, code: "target_refused" }] });
    }
    throw error;
  }
}

/** Registers an endpoint and returns its signing secret, the only time the secret is seen. */
export async function createWebhook(db: Database, actor: Pick<Actor, "userId" | "role">, input: CreateWebhookInput, options: { resolver?: Resolver } = {}): Promise<{ webhook: WebhookView; secret: string }> {
  if (input.scope === "instance" && actor.role !== "admin") throw new AppError("forbidden", "Only administrators may register instance-wide webhooks");
  // DNS before the transaction: no network calls while it is open.
  await assertTargetAllowed(input.url, options.resolver);
  const secret = generateSecret();
  const secretCiphertext = await encryptSecret(db, secret);
  const row = await db.transaction(async (tx) => {
    // Serialise one user's creations so two concurrent requests cannot both pass the limit.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${actor.userId}`}))`);
    const [{ total }] = (await tx.select({ total: count() }).from(webhooks).where(eq(webhooks.userId, actor.userId))) as [{ total: number }];
    if (total >= MAX_WEBHOOKS_PER_USER) throw new AppError("conflict", `You already have ${MAX_WEBHOOKS_PER_USER} webhooks; delete one first`);
    const [inserted] = await tx
      .insert(webhooks)
      .values({ id: newId("whk"), userId: actor.userId, scope: input.scope, url: input.url, events: input.events, description: input.description || null, secretCiphertext })
      .returning();
    return inserted!;
  });
  return { webhook: toWebhookView(row), secret };
}

export async function listWebhooks(db: Queryable, userId: string, page: { limit: number; cursor?: string }): Promise<{ data: WebhookView[]; nextCursor: string | null; hasMore: boolean }> {
  const rows = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.userId, userId), page.cursor ? lt(webhooks.id, page.cursor) : undefined))
    .orderBy(desc(webhooks.id))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit).map(toWebhookView);
  return { data, hasMore, nextCursor: hasMore ? encodeListCursor(data[data.length - 1]!.id) : null };
}

export async function findWebhook(db: Queryable, userId: string, id: string): Promise<WebhookRow> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.userId, userId), eq(webhooks.id, id)));
  if (!row) throw new AppError("not_found", "Webhook not found");
  return row;
}

export async function getWebhook(db: Queryable, userId: string, id: string): Promise<WebhookView> {
  return toWebhookView(await findWebhook(db, userId, id));
}

export async function updateWebhook(db: Queryable, userId: string, id: string, input: UpdateWebhookInput, options: { resolver?: Resolver } = {}): Promise<WebhookView> {
  if (input.url !== undefined) await assertTargetAllowed(input.url, options.resolver);
  const now = new Date();
  const changes: Partial<typeof webhooks.$inferInsert> = { updatedAt: now };
  if (input.url !== undefined) changes.url = input.url;
  if (input.events !== undefined) changes.events = input.events;
  if (input.description !== undefined) changes.description = input.description || null;
  if (input.active === true) Object.assign(changes, { disabledAt: null, disabledReason: null, failureCount: 0, failingSince: null });
  const [row] = await db
    .update(webhooks)
    .set({
      ...changes,
      // Disabling keeps the first reason and time: a second PATCH does not overwrite an automatic disable.
      ...(input.active === false ? { disabledAt: sql`coalesce(${webhooks.disabledAt}, now())`, disabledReason: sql`coalesce(${webhooks.disabledReason}, 'Disabled by its owner')` } : {}),
    })
    .where(and(eq(webhooks.userId, userId), eq(webhooks.id, id)))
    .returning();
  if (!row) throw new AppError("not_found", "Webhook not found");
  return toWebhookView(row);
}

/** Removes an endpoint and its delivery log; queued attempts find no row and stop. */
export async function deleteWebhook(db: Queryable, userId: string, id: string): Promise<void> {
  const deleted = await db
    .delete(webhooks)
    .where(and(eq(webhooks.userId, userId), eq(webhooks.id, id)))
    .returning({ id: webhooks.id });
  if (deleted.length === 0) throw new AppError("not_found", "Webhook not found");
}
