import { z } from "zod";
import type { ApiOperation, ApiTag, SameShape, Serialized } from "@/lib/http/openapi";
import type { listDeliveries } from "@/lib/webhooks/deliveries";
import { createdWebhookSchema, createWebhookSchema, deliveryParams, deliverySchema, listDeliveriesQuerySchema, listQuerySchema, updateWebhookSchema, webhookParams, webhookSchema } from "@/lib/webhooks/schemas";
import type { createWebhook, listWebhooks } from "@/lib/webhooks/webhooks";

const tag = "Webhooks";

export const webhookTags: ApiTag[] = [{ name: tag, description: "Your endpoints for outbound events: signed POSTs, retried with backoff, and a delivery log you can redeliver from. See docs/webhooks.md." }];

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable(), hasMore: z.boolean() });
const webhookPageSchema = page(webhookSchema);
const deliveryPageSchema = page(deliverySchema);
const _webhookPageShape: SameShape<z.output<typeof webhookPageSchema>, Serialized<Awaited<ReturnType<typeof listWebhooks>>>> = true;
const _deliveryPageShape: SameShape<z.output<typeof deliveryPageSchema>, Serialized<Awaited<ReturnType<typeof listDeliveries>>>> = true;

const createdSchema = createdWebhookSchema.extend({ secret: z.string().meta({ description: "The signing secret (whsec_…), shown in this response only." }) });
const _createdShape: SameShape<z.output<typeof createdSchema>, Serialized<Awaited<ReturnType<typeof createWebhook>>>> = true;
const webhookResponse = z.object({ webhook: webhookSchema });
const deliveryResponse = z.object({ delivery: deliverySchema });

const notFound = { 404: { description: "No such webhook, or not yours" } };
const refusedUrl = { description: "The body failed validation, or the URL points at a loopback, private, link-local or otherwise refused address (errors[].code target_refused)" };

export const webhookOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/webhooks",
    tag,
    summary: "List your webhooks (never their secrets)",
    description: "Newest first.",
    auth: "user",
    scopes: ["webhooks:read"],
    query: listQuerySchema,
    responses: { 200: { description: "A page of webhooks", schema: webhookPageSchema } },
  },
  {
    method: "post",
    path: "/api/v1/webhooks",
    tag,
    summary: "Register an endpoint and get its signing secret",
    description:
      'Each delivery is a POST of {id, type, createdAt, data} with X-Hub-Event, X-Hub-Delivery, X-Hub-Timestamp (unix seconds) and X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256, keyed with the secret, of the timestamp, ".", and the raw body. The secret is in this response only; the hub keeps it encrypted and never returns it again. A user may have 25 endpoints; "scope": "instance" (every user\'s events) is for administrators.',
    auth: "user",
    scopes: ["webhooks:write"],
    body: createWebhookSchema,
    responses: {
      201: { description: "The webhook and its secret", schema: createdSchema },
      403: { description: '"scope": "instance" from someone who is not an administrator' },
      409: { description: "You already have 25 webhooks" },
      422: refusedUrl,
    },
  },
  { method: "get", path: "/api/v1/webhooks/{id}", tag, summary: "One webhook", auth: "user", scopes: ["webhooks:read"], params: webhookParams, responses: { 200: { description: "The webhook", schema: webhookResponse }, ...notFound } },
  {
    method: "patch",
    path: "/api/v1/webhooks/{id}",
    tag,
    summary: "Change the URL, events or description, or disable and re-enable",
    description:
      "active: false disables the endpoint (its queued deliveries are cancelled when they come due); active: true re-enables it and clears its failure count. The hub disables an endpoint itself once it has failed WEBHOOK_DISABLE_AFTER_FAILURES (15) attempts in a row over at least WEBHOOK_DISABLE_AFTER_HOURS (24 h), and notifies its owner.",
    auth: "user",
    scopes: ["webhooks:write"],
    params: webhookParams,
    body: updateWebhookSchema,
    responses: { 200: { description: "The webhook", schema: webhookResponse }, ...notFound, 422: refusedUrl },
  },
  {
    method: "delete",
    path: "/api/v1/webhooks/{id}",
    tag,
    summary: "Delete a webhook and its delivery log",
    description: "Attempts still queued stop.",
    auth: "user",
    scopes: ["webhooks:write"],
    params: webhookParams,
    responses: { 204: { description: "Deleted" }, ...notFound },
  },
  {
    method: "get",
    path: "/api/v1/webhooks/{id}/deliveries",
    tag,
    summary: "The delivery log, newest first",
    description:
      "One delivery per event sent to the endpoint, plus manual redeliveries. Any 2xx within WEBHOOK_TIMEOUT_MS (10 s) counts as delivered; anything else, a redirect included, is retried after waits of 30 s doubling up to 4 h (±20 % jitter) while the next attempt falls within WEBHOOK_RETRY_WINDOW_HOURS (24 h) of the delivery's creation, after which the delivery is failed.",
    auth: "user",
    scopes: ["webhooks:read"],
    params: webhookParams,
    query: listDeliveriesQuerySchema,
    responses: { 200: { description: "A page of deliveries", schema: deliveryPageSchema }, ...notFound },
  },
  {
    method: "get",
    path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}",
    tag,
    summary: "One delivery: the body sent, the last response and its timing",
    auth: "user",
    scopes: ["webhooks:read"],
    params: deliveryParams,
    responses: { 200: { description: "The delivery", schema: deliveryResponse }, 404: { description: "No such delivery of this webhook, or not yours" } },
  },
  {
    method: "post",
    path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    tag,
    summary: "Send a past delivery again",
    description: "Creates a new delivery (a new id, so a new X-Hub-Delivery) with the same event id and body, and a retry schedule of its own. Receivers should dedupe on the event id.",
    auth: "user",
    scopes: ["webhooks:write"],
    params: deliveryParams,
    responses: {
      201: { description: "The new delivery, pending", schema: deliveryResponse },
      404: { description: "No such delivery of this webhook, or not yours" },
      409: { description: "The webhook is disabled; enable it first" },
      503: { description: "The job runner is not running" },
    },
  },
];
