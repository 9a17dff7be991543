import { z } from "zod";
import type { ApiOperation, ApiTag, SameShape, Serialized } from "@/lib/http/openapi";
import type { listNotifications } from "@/lib/notifications/list";
import type { Preferences } from "@/lib/notifications/preferences";
import type { PushResult } from "@/lib/notifications/push";
import { markReadSchema, notificationListQuerySchema, preferencesUpdateSchema, pushEndpointSchema, pushSubscriptionInputSchema, unsubscribeQuerySchema, type PushSubscriptionView } from "@/lib/notifications/schemas";
import type { NotificationSettings } from "@/lib/notifications/settings";
import { CHANNELS, NOTIFICATION_TYPES } from "@/lib/notifications/types";

const tag = "Notifications";
const pushTag = "Web push";

export const notificationTags: ApiTag[] = [
  { name: tag, description: "Your notifications, and which types reach you on which channel (in-app, push, email, SMS), quiet hours and digests. See docs/notifications.md." },
  { name: pushTag, description: "The browsers that receive your push notifications, and the hub's VAPID public key they subscribe with." },
];

const notificationSchema = z.object({
  id: z.string(),
  userId: z.string(),
  type: z.string().meta({ description: `One of ${NOTIFICATION_TYPES.join(", ")}.` }),
  title: z.string(),
  body: z.string(),
  url: z.string().nullable().meta({ description: "A path inside the hub to open." }),
  data: z.record(z.string(), z.unknown()),
  urgent: z.boolean().meta({ description: "Delivered through quiet hours." }),
  count: z.number().int().meta({ description: "How many events a burst folded into this notification." }),
  readAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const notificationPageSchema = z.object({
  data: z.array(notificationSchema),
  unread: z.number().int().meta({ description: "The caller's unread notifications in all, for the badge." }),
  nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page." }),
  hasMore: z.boolean(),
});
const _notificationPageShape: SameShape<z.output<typeof notificationPageSchema>, Serialized<Awaited<ReturnType<typeof listNotifications>>>> = true;

const markReadResultSchema = z.object({ ids: z.array(z.string()).meta({ description: "The notifications this call marked read." }), unread: z.number().int() });

const preferencesSchema = z.record(z.enum(NOTIFICATION_TYPES), z.record(z.enum(CHANNELS), z.boolean())).meta({ description: "Every type × channel cell: the caller's choices over the defaults." });
const _preferencesShape: SameShape<z.output<typeof preferencesSchema>, Preferences> = true;

const hhmm = z.string().meta({ description: "HH:MM, 24-hour, in the user's timezone." });
const scheduleSchema = z.object({
  quietHours: z.object({ start: hhmm, end: hhmm }).nullable().meta({ description: "null when quiet hours are off." }),
  dailyDigest: z.boolean(),
  digestTime: hhmm,
  weeklyDigest: z.boolean(),
  weeklyDay: z.number().int().meta({ description: "0 Sunday … 6 Saturday." }),
  timezone: z.string().meta({ description: "The user's IANA timezone, from their profile (PATCH /api/v1/me)." }),
});
const _scheduleShape: SameShape<z.output<typeof scheduleSchema>, NotificationSettings> = true;
const preferencesResponse = z.object({ preferences: preferencesSchema, schedule: scheduleSchema });

const pushSubscriptionSchema = z.object({ id: z.string(), endpoint: z.string(), userAgent: z.string().nullable(), createdAt: z.string() });
const _pushSubscriptionShape: SameShape<z.output<typeof pushSubscriptionSchema>, PushSubscriptionView> = true;

const pushResultSchema = z.object({
  sent: z.number().int(),
  removed: z.number().int().meta({ description: "Browsers whose push service answered 404 or 410 (unsubscribed); their subscriptions are deleted." }),
  failed: z.number().int(),
});
const _pushResultShape: SameShape<z.output<typeof pushResultSchema>, PushResult> = true;

export const notificationOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/notifications",
    tag,
    summary: "Your notifications, newest first, with the unread count",
    description:
      "Pages like every list (limit 1–500, default 50; cursor from nextCursor until hasMore is false). While in-app is on for its type, the realtime notification event to user:<id> carries each new notification, or one a burst updated, as this list shows it.",
    auth: "user",
    refuseDeviceKeys: true,
    query: notificationListQuerySchema,
    responses: { 200: { description: "A page of notifications", schema: notificationPageSchema }, 422: { description: "The cursor is not one this server issued" } },
  },
  {
    method: "post",
    path: "/api/v1/notifications/read",
    tag,
    summary: "Mark some or all of your notifications read",
    description: "Ids that are not yours or already read are left alone.",
    auth: "user",
    refuseDeviceKeys: true,
    body: markReadSchema,
    responses: { 200: { description: "The ids that changed, and the unread count now", schema: markReadResultSchema } },
  },
  {
    method: "get",
    path: "/api/v1/notifications/preferences",
    tag,
    summary: "Your type × channel matrix, quiet hours and digest schedule",
    auth: "user",
    refuseDeviceKeys: true,
    responses: { 200: { description: "Preferences and schedule", schema: preferencesResponse } },
  },
  {
    method: "put",
    path: "/api/v1/notifications/preferences",
    tag,
    summary: "Change matrix cells and schedule fields",
    description: "Fields and cells left out keep their value; the answer is the whole of both. Turning sms on for any type needs a verified phone number.",
    auth: "user",
    refuseDeviceKeys: true,
    body: preferencesUpdateSchema,
    responses: { 200: { description: "Preferences and schedule", schema: preferencesResponse }, 422: { description: "The body failed validation, or sms turned on without a verified phone number (errors[].code phone_not_verified)" } },
  },
  {
    method: "get",
    path: "/api/v1/notifications/unsubscribe",
    tag,
    summary: "The unsubscribe link in emails: asks, changes nothing",
    description:
      "The signed token names the user and the type, so the link works without signing in. Opening it changes nothing (mail scanners and link previews fetch links too): the page's button posts to the same address. Rate-limited per address like sign-in (RATE_LIMIT_AUTH_PER_15_MINUTES).",
    auth: "public",
    query: unsubscribeQuerySchema,
    responses: { 200: { description: "A short HTML page with an Unsubscribe button", contentType: "text/html" }, 404: { description: "The token is not valid" } },
  },
  {
    method: "post",
    path: "/api/v1/notifications/unsubscribe",
    tag,
    summary: "Turn email off for one notification type",
    description:
      "The unsubscribe page's button, and mail clients' one-click unsubscribe: every notification email carries this address as List-Unsubscribe with List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), and any body is ignored. Repeating it changes nothing more.",
    auth: "public",
    query: unsubscribeQuerySchema,
    responses: { 200: { description: "A short HTML page confirming the change", contentType: "text/html" }, 404: { description: "The token is not valid" } },
  },
  {
    method: "get",
    path: "/api/v1/push/subscriptions",
    tag: pushTag,
    summary: "The browsers that receive your pushes (endpoints only, never their keys)",
    auth: "user",
    refuseDeviceKeys: true,
    responses: { 200: { description: "Every subscription, newest first (not paged)", schema: z.object({ data: z.array(pushSubscriptionSchema) }) } },
  },
  {
    method: "post",
    path: "/api/v1/push/subscriptions",
    tag: pushTag,
    summary: "Subscribe this browser (the JSON of PushSubscription.toJSON())",
    description: "The endpoint must be the https URL of a public push service. An endpoint belongs to one user: saving one that is already stored updates its keys and moves it to the caller, who then gets that browser's pushes.",
    auth: "user",
    refuseDeviceKeys: true,
    body: pushSubscriptionInputSchema,
    responses: { 201: { description: "The subscription", schema: z.object({ subscription: pushSubscriptionSchema }) } },
  },
  {
    method: "delete",
    path: "/api/v1/push/subscriptions",
    tag: pushTag,
    summary: "Unsubscribe a browser by its endpoint",
    auth: "user",
    refuseDeviceKeys: true,
    body: pushEndpointSchema,
    responses: { 204: { description: "Removed" }, 404: { description: "No subscription of yours has this endpoint" } },
  },
  {
    method: "post",
    path: "/api/v1/push/test",
    tag: pushTag,
    summary: "Send a test push to every browser you subscribed",
    description: "Rate-limited with SMS replies per user, across their keys (RATE_LIMIT_SEND_PER_HOUR, default 60 an hour). A push service failure is counted, not an error: the answer is 200 either way.",
    auth: "user",
    refuseDeviceKeys: true,
    responses: { 200: { description: "How many pushes went out, were removed, or failed", schema: pushResultSchema } },
  },
  {
    method: "get",
    path: "/api/v1/push/vapid-public-key",
    tag: pushTag,
    summary: "The VAPID public key to pass to pushManager.subscribe()",
    description: "Pass it as applicationServerKey. It comes from VAPID_PUBLIC_KEY, or from a pair the hub generated once and keeps.",
    auth: "user",
    responses: { 200: { description: "The key, base64url", schema: z.object({ publicKey: z.string() }) } },
  },
];
