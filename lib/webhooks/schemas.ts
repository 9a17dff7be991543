import { z } from "zod";
import { DELIVERY_STATUSES } from "@/lib/db/schema/webhooks";
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";

/** Request and response shapes of /api/v1/webhooks. */
const urlSchema = z
  .string()
  .trim()
  .max(2048, "must be at most 2048 characters")
  .pipe(z.url({ protocol: /^https?$/, message: "must be an http or https URL" }));

const eventsSchema = z
  .array(z.enum([...WEBHOOK_EVENT_TYPES, ALL_EVENTS]))
  .min(1, "must name at least one event type")
  .max(WEBHOOK_EVENT_TYPES.length + 1)
  .transform((events) => (events.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(events)]));

const descriptionSchema = z.string().trim().max(500, "must be at most 500 characters");

export const createWebhookSchema = z.object({
  url: urlSchema,
  events: eventsSchema,
  description: descriptionSchema.optional(),
  /** instance: every user's events (admins only). */
  scope: z.enum(["user", "instance"]).default("user"),
});
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z
  .object({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    description: descriptionSchema.nullable().optional(),
    /** false disables the endpoint; true re-enables it and clears its failure count. */
    active: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), "must change at least one field");
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

/** Opaque list cursors: the last id of the page (ids are time-ordered). */
export function encodeListCursor(id: string): string {
  return Buffer.from(JSON.stringify({ v: 1, id })).toString("base64url");
}

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .max(300)
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      try {
        const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { v?: unknown; id?: unknown };
        if (parsed.v === 1 && typeof parsed.id === "string" && parsed.id.length <= 64) return parsed.id;
      } catch {
        // fall through
      }
      ctx.addIssue({ code: "custom", message: "is not a cursor this server issued" });
      return z.NEVER;
    }),
});

/** GET /api/v1/webhooks/{id}/deliveries: a page of the delivery log, optionally in one status. */
export const listDeliveriesQuerySchema = listQuerySchema.extend({ status: z.enum(DELIVERY_STATUSES).optional() });

export const webhookParams = z.object({ id: z.string().min(1).max(64) });
export const deliveryParams = z.object({ id: z.string().min(1).max(64), deliveryId: z.string().min(1).max(64) });

const timestamp = z.string().describe("ISO 8601");

/** Response shapes (the OpenAPI document and client types come from these). */
export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  scope: z.enum(["user", "instance"]),
  active: z.boolean(),
  disabledAt: timestamp.nullable(),
  disabledReason: z.string().nullable(),
  /** Failed attempts in a row. */
  failureCount: z.number().int(),
  failingSince: timestamp.nullable(),
  lastSuccessAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type WebhookView = z.infer<typeof webhookSchema>;

export const deliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  /** Attempts made so far. */
  attempt: z.number().int(),
  /** The exact body sent (and signed). */
  requestBody: z.string(),
  responseStatus: z.number().int().nullable(),
  /** The first 1 KB of the last response. */
  responseBody: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  /** Why the last attempt failed without a response (timeout, refused address…). */
  error: z.string().nullable(),
  nextAttemptAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  redeliveryOf: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type DeliveryView = z.infer<typeof deliverySchema>;

export const createdWebhookSchema = z.object({ webhook: webhookSchema, secret: z.string() });
