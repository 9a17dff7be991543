import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { and, eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { getConfig } from "@/lib/config/env";
import type { Database } from "@/lib/db/client";
import { webhookDeliveries, webhooks } from "@/lib/db/schema/webhooks";
import { getBoss } from "@/lib/jobs/boss";
import { kickDispatcher } from "@/lib/jobs/dispatcher";
import { recordEvent } from "@/lib/jobs/outbox";
import { getLogger } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/metrics";
import { publish } from "@/lib/realtime/publish";
import { enqueueAttempt, toDeliveryView } from "@/lib/webhooks/deliveries";
import { nextAttemptAt, shouldDisable } from "@/lib/webhooks/retry";
import type { DeliveryView } from "@/lib/webhooks/schemas";
import { decryptSecret, sign } from "@/lib/webhooks/secrets";
import { checkTarget, connectLookup, TargetRefusedError, type Resolver } from "@/lib/webhooks/targets";

/**
 * One delivery attempt: claim the row, POST the signed body (outside any
 * transaction), record the outcome, and schedule the next attempt or give up.
 * Called by the DELIVERY_QUEUE worker; tests call it directly with a test
 * clock (`now`) and a fixed `random`.
 */
export const RESPONSE_SNIPPET_BYTES = 1024;

/** A claim older than this is a worker that died mid-attempt; another may take the attempt over. */
function staleClaimMs(): number {
  return getConfig().WEBHOOK_TIMEOUT_MS + 60_000;
}

export class AttemptInFlightError extends Error {
  constructor(deliveryId: string, attempt: number) {
    super(`Attempt ${attempt} of delivery ${deliveryId} is in flight on another worker; retrying later`);
    this.name = "AttemptInFlightError";
  }
}

export type AttemptOptions = {
  /** The attempt number the job was created for; default the row's next one. */
  attempt?: number;
  now?: Date;
  random?: () => number;
  resolver?: Resolver;
  boss?: PgBoss;
};

export type AttemptResult =
  | { outcome: "delivered" | "retrying" | "failed" | "cancelled"; delivery: DeliveryView; disabledWebhook: boolean }
  | { outcome: "skipped" };

export async function attemptDelivery(db: Database, deliveryId: string, options: AttemptOptions = {}): Promise<AttemptResult> {
  const now = options.now ?? new Date();
  const config = getConfig();

  const claim = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ delivery: webhookDeliveries, webhook: webhooks })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(eq(webhookDeliveries.id, deliveryId))
      .for("update", { of: webhookDeliveries });
    if (!row) return null;
    const { delivery, webhook } = row;
    const attempt = options.attempt ?? delivery.attempt + 1;
    const fresh = delivery.status === "pending" && delivery.attempt === attempt - 1;
    const inFlight = delivery.status === "sending" && delivery.attempt === attempt;
    const takeover = inFlight && (delivery.claimedAt?.getTime() ?? 0) < now.getTime() - staleClaimMs();
    // This attempt is claimed by a worker that may have died (its job came
    // back to us). Fail the job so pg-boss retries it: by then the claim is
    // either recorded or stale enough to take over. Skipping here would leave
    // the delivery in "sending" for good.
    if (inFlight && !takeover) throw new AttemptInFlightError(delivery.id, attempt);
    // A duplicate or out-of-date job: the row has moved on.
    if (!fresh && !takeover) return null;
    if (webhook.disabledAt) {
      const [cancelled] = await tx
        .update(webhookDeliveries)
        .set({ status: "cancelled", error: "The webhook is disabled", nextAttemptAt: null, completedAt: now, updatedAt: now })
        .where(eq(webhookDeliveries.id, delivery.id))
        .returning();
      return { cancelled };
    }
    await tx
      .update(webhookDeliveries)
      .set({ status: "sending", attempt, claimedAt: now, updatedAt: now })
      .where(eq(webhookDeliveries.id, delivery.id));
    return { delivery, webhook, attempt };
  });
  if (!claim) return { outcome: "skipped" };
  if ("cancelled" in claim) {
    metrics().webhookDeliveries.inc({ outcome: "cancelled" });
    return { outcome: "cancelled", delivery: toDeliveryView(claim.cancelled!), disabledWebhook: false };
  }

  const { delivery, webhook, attempt } = claim;
  const response = await send(db, { url: webhook.url, secretCiphertext: webhook.secretCiphertext, deliveryId: delivery.id, eventType: delivery.eventType, body: delivery.requestBody, now, resolver: options.resolver });
  const ok = response.status !== null && response.status >= 200 && response.status < 300;
  metrics().webhookDeliveryDuration.observe(response.durationMs / 1000);

  const boss = options.boss ?? getBoss();
  type Disabled = { url: string; userId: string; reason: string };
  const recorded = await db.transaction(async (tx): Promise<{ row: typeof webhookDeliveries.$inferSelect; disabled: Disabled | null } | null> => {
    // Only the claim holder records: a takeover after a stale claim wins.
    const [mine] = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, "sending"), eq(webhookDeliveries.attempt, attempt), eq(webhookDeliveries.claimedAt, now)))
      .for("update");
    if (!mine) return null;
    const base = { responseStatus: response.status, responseBody: response.snippet, durationMs: response.durationMs, error: response.error, claimedAt: null, updatedAt: now };
    if (ok) {
      const [row] = await tx
        .update(webhookDeliveries)
        .set({ ...base, status: "succeeded", nextAttemptAt: null, completedAt: now })
        .where(eq(webhookDeliveries.id, delivery.id))
        .returning();
      // Every success would otherwise write the endpoint's row, and a busy
      // endpoint's deliveries would queue on its row lock: write only to clear
      // a failure run, or to move last_success_at on by at least a minute.
      await tx
        .update(webhooks)
        .set({ failureCount: 0, failingSince: null, lastSuccessAt: now })
        .where(
          and(
            eq(webhooks.id, webhook.id),
            sql`(${webhooks.failureCount} > 0 or ${webhooks.lastSuccessAt} is null or ${webhooks.lastSuccessAt} < ${new Date(now.getTime() - 60_000)})`,
          ),
        );
      return { row: row!, disabled: null };
    }

    const [counted] = await tx
      .update(webhooks)
      .set({ failureCount: sql`${webhooks.failureCount} + 1`, failingSince: sql`coalesce(${webhooks.failingSince}, ${now})` })
      .where(eq(webhooks.id, webhook.id))
      .returning();
    const disable =
      counted !== undefined &&
      counted.disabledAt === null &&
      shouldDisable({ failureCount: counted.failureCount, failingSince: counted.failingSince ?? now, now, failures: config.WEBHOOK_DISABLE_AFTER_FAILURES, hours: config.WEBHOOK_DISABLE_AFTER_HOURS });
    const next = disable ? null : nextAttemptAt({ createdAt: delivery.createdAt, now, failedAttempts: attempt, windowHours: config.WEBHOOK_RETRY_WINDOW_HOURS, random: options.random });
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ ...base, status: next ? "pending" : "failed", nextAttemptAt: next, completedAt: next ? null : now })
      .where(eq(webhookDeliveries.id, delivery.id))
      .returning();
    if (next) {
      if (!boss) throw new Error("The job runner is not started; cannot schedule the next webhook attempt");
      await enqueueAttempt(tx, boss, delivery.id, attempt + 1, next);
    }
    if (!disable) return { row: row!, disabled: null };

    const reason = `Disabled after ${counted.failureCount} failed attempts in a row since ${counted.failingSince?.toISOString()}`;
    await tx.update(webhooks).set({ disabledAt: now, disabledReason: reason, updatedAt: now }).where(eq(webhooks.id, webhook.id));
    // Queued attempts to this endpoint stop here rather than at their jobs.
    await tx
      .update(webhookDeliveries)
      .set({ status: "cancelled", error: "The webhook was disabled", nextAttemptAt: null, completedAt: now, updatedAt: now })
      .where(and(eq(webhookDeliveries.webhookId, webhook.id), eq(webhookDeliveries.status, "pending")));
    // The notifications feature turns this into a notification for the owner.
    await recordEvent(tx, {
      type: "webhook.disabled",
      userId: webhook.userId,
      data: { webhookId: webhook.id, url: webhook.url, reason, failureCount: counted.failureCount, failingSince: counted.failingSince?.toISOString() ?? null, disabledAt: now.toISOString() },
    });
    return { row: row!, disabled: { url: webhook.url, userId: webhook.userId, reason } };
  });
  if (!recorded) return { outcome: "skipped" };
  const { row: final, disabled } = recorded;

  const log = getLogger();
  log.info({ deliveryId: delivery.id, webhookId: webhook.id, attempt, status: response.status, ms: response.durationMs, outcome: final.status }, "webhook delivery attempt");
  if (disabled) {
    const { url, userId, reason } = disabled;
    log.warn({ webhookId: webhook.id }, "webhook disabled after repeated failures");
    publish(`user:${userId}`, "notification", {
      type: "webhook.disabled",
      title: "Webhook disabled",
      body: `Deliveries to ${url} kept failing, so the webhook was turned off. Fix the endpoint and enable it again.`,
      data: { webhookId: webhook.id, url, reason },
      createdAt: now.toISOString(),
    });
    await kickDispatcher();
  }
  const outcome = final.status === "succeeded" ? "delivered" : final.status === "pending" ? "retrying" : "failed";
  metrics().webhookDeliveries.inc({ outcome });
  if (disabled) metrics().webhooksDisabled.inc();
  return { outcome, delivery: toDeliveryView(final), disabledWebhook: disabled !== null };
}

type SendResult = { status: number | null; snippet: string | null; durationMs: number; error: string | null };

async function send(
  db: Database,
  request: { url: string; secretCiphertext: string; deliveryId: string; eventType: string; body: string; now: Date; resolver?: Resolver },
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target;
  try {
    // Checked again now, not only at registration: DNS may have changed since.
    target = await checkTarget(request.url, { resolver: request.resolver });
  } catch (error) {
    if (error instanceof TargetRefusedError) return { status: null, snippet: null, durationMs: elapsed(), error: `Refused: the URL ${error.message}` };
    throw error;
  }
  const secret = await decryptSecret(db, request.secretCiphertext).catch((error: Error) => error);
  if (secret instanceof Error) return { status: null, snippet: null, durationMs: elapsed(), error: secret.message };

  const timestamp = Math.floor(request.now.getTime() / 1000);
  const headers = {
    "Content-Type": "application/json",
    "User-Agent": "MessageHub-Webhook/1.0",
    "X-Hub-Event": request.eventType,
    "X-Hub-Delivery": request.deliveryId,
    "X-Hub-Timestamp": String(timestamp),
    "X-Hub-Signature-256": sign(secret, timestamp, request.body),
  };
  try {
    const response = await post(new URL(request.url), { address: target.address, family: target.family }, headers, request.body, getConfig().WEBHOOK_TIMEOUT_MS);
    return { status: response.status, snippet: response.snippet, durationMs: elapsed(), error: null };
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const detail = err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
    return { status: null, snippet: null, durationMs: elapsed(), error: detail.slice(0, 500) };
  }
}

/**
 * POSTs with node:http(s) to the checked address. No redirects are followed
 * (a 3xx is a failure), at most RESPONSE_SNIPPET_BYTES of the response are
 * read, and the whole exchange has one deadline.
 */
function post(url: URL, target: { address: string; family: 4 | 6 }, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; snippet: string }> {
  const client = url.protocol === "https:" ? https : http;
  const payload = Buffer.from(body, "utf8");
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, value?: { status: number; snippet: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value!);
    };
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(payload.length) },
        lookup: connectLookup(target) as unknown as typeof import("node:dns").lookup,
        // A fresh connection per attempt: a pooled socket would skip the address check.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          // Postgres text cannot hold NUL; the snippet is for people to read.
          const snippet = Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString("utf8").replaceAll("\u0000", "");
          finish(null, { status: res.statusCode ?? 0, snippet });
        };
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= RESPONSE_SNIPPET_BYTES) {
            done();
            res.destroy();
          }
        });
        res.on("end", done);
        res.on("error", (error) => finish(error));
        res.on("aborted", done);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`Timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (error) => finish(error));
    req.end(payload);
  });
}
