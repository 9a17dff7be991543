import { z } from "zod";
import { listCursorSchema, listLimitSchema, pageSchema } from "@/lib/http/list-cursor";
import { sinceSchema, syncLimitSchema } from "@/lib/sync/cursor";
import { cleanJson, cleanText, jsonShapeWithin, utf8Bytes } from "@/lib/messages/text";
import { parseTimestamp } from "@/lib/messages/timestamps";

/**
 * Every shape the inbox API reads or writes. Routes validate with these and
 * the OpenAPI document is generated from the very same objects.
 */
export const MESSAGE_TYPES = ["sms", "mms", "notification", "call", "email", "chat", "other"] as const;
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export type Priority = (typeof PRIORITIES)[number];

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_METADATA_BYTES = 16 * 1024;
export const MAX_BATCH = 500;
/** A full batch of typical messages fits easily; one of 500 × 64 KB bodies does not, by design. */
export const MAX_INGEST_REQUEST_BYTES = 4 * 1024 * 1024;
/** A forwarder app sends one message per request. */
export const FORWARDER_MAX_BODY_BYTES = 256 * 1024;

export const messageTypeSchema = z.enum(MESSAGE_TYPES);
export const prioritySchema = z.enum(PRIORITIES);

/** Trimmed-free text: cleaned of control characters, then length-checked. */
function text(max: number, options: { required?: boolean } = {}) {
  const cleaned = z.string().max(max).transform(cleanText);
  return options.required ? cleaned.pipe(z.string().min(1, "is empty")) : cleaned;
}

const optionalText = (max: number) => text(max).optional();

export const timestampSchema = z
  .union([z.string().max(64), z.number()])
  .transform((value, ctx) => {
    const date = parseTimestamp(value);
    if (!date) {
      ctx.addIssue({
        code: "custom",
        message:
          typeof value === "number"
            ? "must be epoch milliseconds between 2000 and 2100"
            : "must be an ISO 8601 time with an offset (2024-06-22T15:46:11+07:00) or epoch milliseconds",
      });
      return z.NEVER;
    }
    return date;
  })
  .meta({ description: "ISO 8601 with an offset, or epoch milliseconds. Stored as UTC.", examples: ["2024-06-22T15:46:11.000+07:00", 1719045971000] });

export const tagSchema = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(50)
  .transform((tag) => cleanText(tag).toLowerCase())
  .meta({ description: "A label, stored lower-cased." });

export const tagsSchema = z
  .array(tagSchema)
  .max(20)
  .transform((tags) => [...new Set(tags)]);

export const metadataSchema = z
  .record(z.string().max(200), z.unknown())
  .superRefine((value, ctx) => {
    // Bound the shape before serialising: a deeply nested document must not exhaust the stack.
    if (!jsonShapeWithin(value, { depth: 16, nodes: 2000 })) {
      ctx.addIssue({ code: "custom", message: "is nested too deeply or has too many values (depth 16, 2000 values)" });
      return;
    }
    if (utf8Bytes(JSON.stringify(value)) > MAX_METADATA_BYTES) ctx.addIssue({ code: "custom", message: "must be at most 16 KB as JSON" });
  })
  .transform((value) => cleanJson(value) as Record<string, unknown>)
  .meta({ description: "Free JSON object, at most 16 KB." });

export const attachmentSchema = z.object({
  contentType: z.string().max(200).transform(cleanText),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional()
    .meta({ description: "http(s) only" }),
  name: optionalText(500),
  size: z.number().int().min(0).optional(),
});

export const messageInputSchema = z.object({
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .transform(cleanText)
    .optional()
    .meta({ description: "The sender's own id. A repeat from the same device is a duplicate, not a new message." }),
  type: messageTypeSchema,
  sender: text(320, { required: true }),
  recipient: optionalText(320),
  body: text(MAX_BODY_BYTES).refine((body) => utf8Bytes(body) <= MAX_BODY_BYTES, "must be at most 64 KB").meta({ description: "Up to 64 KB of UTF-8." }),
  receivedAt: timestampSchema,
  sentAt: timestampSchema.optional(),
  title: optionalText(500),
  app: optionalText(200),
  simSlot: z.number().int().min(0).max(16).optional(),
  threadKey: optionalText(200),
  priority: prioritySchema.default("normal"),
  tags: tagsSchema.default([]),
  metadata: metadataSchema.default({}),
  attachments: z.array(attachmentSchema).max(20).default([]),
});

export type MessageInput = z.output<typeof messageInputSchema>;

export const batchInputSchema = z.object({
  messages: z.array(messageInputSchema).min(1).max(MAX_BATCH),
});

/**
 * What POST /api/v1/messages parses at first: one message, or a batch whose
 * items are then validated one by one, so a bad item is reported in its
 * result instead of failing the whole batch.
 */
export const ingestEnvelopeSchema = z.looseObject({
  messages: z.array(z.unknown()).min(1, "must hold at least one message").max(MAX_BATCH, `must hold at most ${MAX_BATCH} messages`).optional(),
});

/** For the OpenAPI document: the request body as a client writes it. */
export const ingestRequestSchema = z.union([messageInputSchema, batchInputSchema]);

export const messageSchema = z.object({
  id: z.string(),
  deviceId: z.string().nullable(),
  source: z.string(),
  externalId: z.string().nullable(),
  type: messageTypeSchema,
  sender: z.string(),
  recipient: z.string().nullable(),
  body: z.string(),
  title: z.string().nullable(),
  app: z.string().nullable(),
  simSlot: z.number().nullable(),
  threadKey: z.string().nullable(),
  priority: prioritySchema,
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  attachments: z.array(z.object({ contentType: z.string(), url: z.string().optional(), name: z.string().optional(), size: z.number().optional() })),
  receivedAt: z.string(),
  sentAt: z.string().nullable(),
  read: z.boolean(),
  readAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
  /** The change position of the message's latest change; realtime events and sync carry it. */
  position: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type MessageView = z.infer<typeof messageSchema>;

export const ingestResultSchema = z.object({
  index: z.number(),
  id: z.string().optional(),
  status: z.enum(["created", "duplicate", "invalid"]),
  errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
});

export const batchResponseSchema = z.object({ results: z.array(ingestResultSchema) });

// --- Reading ---------------------------------------------------------------

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).max(20)]).transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);

const queryTimestamp = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const date = parseTimestamp(value);
    if (!date) {
      ctx.addIssue({ code: "custom", message: "must be an ISO 8601 time with an offset, or epoch milliseconds" });
      return z.NEVER;
    }
    return date;
  });

/** The filters shared by the list, bulk read-marking and export. */
export const messageFilterSchema = z.object({
  device: z.string().min(1).max(64).optional().meta({ description: "Only this device's messages." }),
  type: oneOrMany(messageTypeSchema).optional().meta({ description: "One type, or several (repeat the parameter)." }),
  read: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  tag: oneOrMany(tagSchema).optional().meta({ description: "Messages holding every given tag." }),
  priority: prioritySchema.optional(),
  thread: z
    .string()
    .min(1)
    .max(320)
    .optional()
    .meta({ description: "Only one conversation: a thread's `key` from /api/v1/messages/threads (the messages' thread key, or their sender when they carry none)." }),
  q: z
    .string()
    .max(200)
    .transform((q) => cleanText(q).trim() || undefined)
    .optional()
    .meta({ description: "Full-text search on sender, title and body; the last word matches as a prefix. Empty means no search." }),
  since: queryTimestamp.optional().meta({ description: "Received at or after (ISO 8601 or epoch ms)." }),
  until: queryTimestamp.optional().meta({ description: "Received before (ISO 8601 or epoch ms)." }),
});

export type MessageFilter = z.output<typeof messageFilterSchema>;

export const listMessagesQuerySchema = messageFilterSchema.extend({ limit: listLimitSchema, cursor: listCursorSchema });
export type ListMessagesQuery = z.output<typeof listMessagesQuerySchema>;

export const messagePageSchema = pageSchema(messageSchema);

export const threadSchema = z.object({
  key: z.string().meta({ description: "The thread key, or the sender when the messages carry none." }),
  lastMessage: messageSchema,
  messageCount: z.number(),
  unreadCount: z.number(),
  lastReceivedAt: z.string(),
});

export const threadsQuerySchema = z.object({ device: messageFilterSchema.shape.device, limit: listLimitSchema, cursor: listCursorSchema });
export const threadPageSchema = pageSchema(threadSchema);

export const EXPORT_FORMATS = ["json", "ndjson", "csv"] as const;
export const exportQuerySchema = messageFilterSchema.omit({ q: true }).extend({ format: z.enum(EXPORT_FORMATS).default("json") });

// --- Changing --------------------------------------------------------------

export const patchMessageSchema = z
  .object({ tags: tagsSchema.optional(), priority: prioritySchema.optional() })
  .refine((value) => value.tags !== undefined || value.priority !== undefined, { message: "send tags or priority" });

export const bulkFilterSchema = messageFilterSchema.omit({ read: true }).extend({
  since: timestampSchema.optional(),
  until: timestampSchema.optional(),
  type: z.array(messageTypeSchema).max(20).optional(),
  tag: z.array(tagSchema).max(20).optional(),
});

export const bulkReadSchema = z.union([
  z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(MAX_BATCH) }).strict(),
  z.object({ filter: bulkFilterSchema }).strict(),
]);

export const bulkReadResultSchema = z.object({ updated: z.number() });

// --- Sync ------------------------------------------------------------------

export const syncQuerySchema = z.object({
  since: sinceSchema.meta({ description: "The cursor of the previous page; leave out to start from the beginning." }),
  limit: syncLimitSchema,
  device: messageFilterSchema.shape.device,
});

export const syncChangeSchema = messageSchema.extend({ deleted: z.boolean() });
export const syncPageSchema = z.object({ changes: z.array(syncChangeSchema), cursor: z.string(), hasMore: z.boolean() });

export const syncStatusSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  cursor: z.string().nullable(),
  ackedAt: z.string().nullable(),
  pendingChanges: z.number().meta({ description: "Changes after the acknowledged cursor." }),
});

export const syncStatusResponseSchema = z.object({ head: z.string(), devices: z.array(syncStatusSchema) });

export const putSyncStatusSchema = z.object({
  cursor: z.string().min(1).max(200),
  deviceId: z.string().min(1).max(64).optional().meta({ description: "Required with a user's credentials; a device key acknowledges for itself." }),
});

// --- Retention -------------------------------------------------------------

const daysSchema = z.number().int().min(1).max(36500).nullable();

export const retentionSettingsSchema = z.object({
  days: daysSchema.meta({ description: "Delete messages older than this many days; null keeps them forever." }),
  devices: z.array(z.object({ deviceId: z.string(), days: z.number().int() })),
  lastRun: z
    .object({ at: z.string(), removed: z.number().int().meta({ description: "Messages this run removed (0 when none were old enough)." }) })
    .nullable()
    .meta({ description: "The retention job's last run for this user; null until it has run with a rule set." }),
});

export const putRetentionSchema = z.object({
  days: daysSchema.optional(),
  devices: z
    .array(z.object({ deviceId: z.string().min(1).max(64), days: daysSchema }))
    .max(200)
    .optional()
    .meta({ description: "Per-device rules; they override `days` for that device. null removes one." }),
});

// --- Forwarder apps ----------------------------------------------------------

/** The optional `?type=` on /api/v1/ingest/* routes: what the app forwards (default sms). */
export const forwarderQuerySchema = z.object({
  key: z.string().optional().meta({ description: "The device's API key, for apps that cannot set headers." }),
  type: messageTypeSchema.default("sms"),
});

/** SMSGate (capcom6/android-sms-gateway): the webhook envelope. Other events than sms:received are acknowledged and ignored. */
export const smsgateWebhookSchema = z.looseObject({
  id: z.string().max(200).optional(),
  webhookId: z.string().max(200).optional(),
  deviceId: z.string().max(200).optional(),
  event: z.string().max(100),
  payload: z.unknown(),
});

export const smsgateReceivedPayloadSchema = z.looseObject({
  messageId: z.string().max(200).optional(),
  message: text(MAX_BODY_BYTES),
  phoneNumber: text(320, { required: true }),
  simNumber: z.number().int().min(0).max(16).nullable().optional(),
  receivedAt: timestampSchema,
});

/**
 * SmsForwarder (pppscn): its webhook posts a form with from, content,
 * timestamp (epoch ms, when sent) and sign. Custom templates may add
 * org_content (the bare SMS text), receive_time (UTC "yyyy-MM-dd HH:mm:ss"),
 * card_slot, device_mark and app_version; all are optional.
 */
export const smsforwarderSchema = z.looseObject({
  from: text(320, { required: true }),
  content: text(MAX_BODY_BYTES),
  org_content: optionalText(MAX_BODY_BYTES),
  timestamp: z.union([z.string().regex(/^\d{10,16}$/, "must be epoch milliseconds"), z.number().int()]).optional(),
  sign: z.string().max(500).optional(),
  receive_time: z.string().max(64).optional(),
  card_slot: optionalText(100),
  device_mark: optionalText(200),
  app_version: optionalText(100),
  title: optionalText(500),
});

/** SMS to URL forwarder (bogkonstantin): its default JSON template. */
export const smsToUrlSchema = z.looseObject({
  from: text(320, { required: true }),
  text: text(MAX_BODY_BYTES),
  sentStamp: z.union([z.number(), z.string().max(64)]).optional(),
  receivedStamp: z.union([z.number(), z.string().max(64)]),
  sim: z.union([z.string().max(100), z.number()]).optional(),
});

/** generic: JSON (or a form) with the field names most tools use. */
export const genericSchema = z.looseObject({
  id: z.union([z.string().max(200), z.number()]).optional(),
  externalId: z.string().max(200).optional(),
  messageId: z.union([z.string().max(200), z.number()]).optional(),
  from: optionalText(320),
  sender: optionalText(320),
  to: optionalText(320),
  recipient: optionalText(320),
  text: optionalText(MAX_BODY_BYTES),
  body: optionalText(MAX_BODY_BYTES),
  message: optionalText(MAX_BODY_BYTES),
  content: optionalText(MAX_BODY_BYTES),
  title: optionalText(500),
  app: optionalText(200),
  type: messageTypeSchema.optional(),
  timestamp: z.union([z.number(), z.string().max(64)]).optional(),
  receivedAt: z.union([z.number(), z.string().max(64)]).optional(),
  sim: z.union([z.number(), z.string().max(100)]).optional(),
});

export const forwarderResponseSchema = z.object({ message: messageSchema.optional(), status: z.enum(["created", "duplicate", "ignored"]), event: z.string().optional() });
