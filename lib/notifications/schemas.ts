import { z } from "zod";
import { decodeListCursor, listCursorSchema, listLimitSchema } from "@/lib/http/list-cursor";

/**
 * Push service endpoints are https URLs on the public internet. Refusing
 * loopback and private addresses keeps a subscription from turning the hub
 * into a client for services on its own network.
 */
function isPublicHttpsUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return false;
  if (host.startsWith("[")) return false; // IPv6 literals: no push service uses one
  const ipv4 = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (ipv4) {
    const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
    if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
  }
  return true;
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+=*$/, "must be base64url");

/** What PushSubscription.toJSON() gives in the browser. */
export const pushSubscriptionInputSchema = z.object({
  endpoint: z.string().max(2048).refine(isPublicHttpsUrl, "must be the https URL of a public push service"),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: base64url.min(80).max(100),
    auth: base64url.min(16).max(32),
  }),
});

export type PushSubscriptionInput = z.infer<typeof pushSubscriptionInputSchema>;

export const pushEndpointSchema = z.object({ endpoint: z.string().min(1).max(2048) });

/** What the service worker shows. `url` is a path inside the hub, opened on click. */
export const pushPayloadSchema = z.object({
  title: z.string().min(1).max(200),
  body: z.string().max(1000).optional(),
  url: z
    .string()
    .regex(/^\/(?!\/)/, "must be a path inside the hub")
    .max(2000)
    .optional(),
  /** Notifications with the same tag replace each other instead of stacking. */
  tag: z.string().max(100).optional(),
});

export type PushPayload = z.infer<typeof pushPayloadSchema>;

export type PushSubscriptionView = { id: string; endpoint: string; userAgent: string | null; createdAt: string };

/** How many notifications the notification centre shows at first, and loads with each "Show older". */
export const NOTIFICATION_PAGE_SIZE = 50;

/** Where a page of notifications ended: the last row's created_at in UTC to the microsecond ("2030-03-04 05:06:07.123456+00"), and its id. */
export type NotificationCursor = { createdAt: string; id: string };

const UTC_MICROSECONDS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00$/;

/** GET /api/v1/notifications: the list envelope's limit and cursor, and the unread filter. */
export const notificationListQuerySchema = z.object({
  limit: listLimitSchema,
  unread: z.enum(["true", "false"]).transform((value) => value === "true").optional(),
  cursor: listCursorSchema.transform((value, ctx): NotificationCursor | undefined => {
    if (value === undefined) return undefined;
    const parts = decodeListCursor(value, 2);
    const [createdAt, id] = parts ?? [];
    if (typeof createdAt === "string" && UTC_MICROSECONDS.test(createdAt) && typeof id === "string" && id.length <= 64) return { createdAt, id };
    ctx.addIssue({ code: "custom", message: "is not a cursor this server issued" });
    return z.NEVER;
  }),
});

/** POST /api/v1/notifications/read: some of the caller's notifications, or all of them. */
export const markReadSchema = z.union([z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(500) }).strict(), z.object({ all: z.literal(true) }).strict()]);

const channelChoiceSchema = z.object({ in_app: z.boolean(), push: z.boolean(), email: z.boolean(), sms: z.boolean() }).partial().strict();

/** Any cells of the type × channel matrix. */
export const channelMatrixSchema = z
  .object({
    "task.assigned": channelChoiceSchema,
    "task.status_changed": channelChoiceSchema,
    "task.reminder": channelChoiceSchema,
    "room.mention": channelChoiceSchema,
    "room.status_changed": channelChoiceSchema,
    "message.high_priority": channelChoiceSchema,
    "webhook.disabled": channelChoiceSchema,
    "device.offline": channelChoiceSchema,
    "digest.daily": channelChoiceSchema,
    "digest.weekly": channelChoiceSchema,
  })
  .partial()
  .strict();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)");

/** PUT /api/v1/notifications/preferences: the matrix cells and the schedule fields to change. */
export const preferencesUpdateSchema = z
  .object({
    channels: channelMatrixSchema,
    /** Local times in the user's timezone; null turns quiet hours off. */
    quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable(),
    dailyDigest: z.boolean(),
    digestTime: hhmm,
    weeklyDigest: z.boolean(),
    /** 0 Sunday … 6 Saturday. */
    weeklyDay: z.number().int().min(0).max(6),
  })
  .partial()
  .strict();

export const unsubscribeQuerySchema = z.object({ token: z.string().min(10).max(300) });

export const mailboxQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
