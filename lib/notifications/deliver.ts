import { and, eq } from "drizzle-orm";
import { getConfig } from "@/lib/config/env";
import type { Database } from "@/lib/db/client";
import { notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { users } from "@/lib/db/schema/users";
import { getLogger } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/metrics";
import { renderNotificationEmail, sendEmail } from "@/lib/notifications/email";
import { sendPush } from "@/lib/notifications/push";
import { NOTIFICATION_TYPE_LABELS, type NotificationType } from "@/lib/notifications/types";
import { unsubscribeToken } from "@/lib/notifications/unsubscribe";
import { notificationNumber } from "@/lib/sms/numbers";
import { sendSms } from "@/lib/sms/send";

export const CHANNEL_QUEUE = "notification-send";
export type ChannelJob = { deliveryId: string };

/** An SMS notification stays within two GSM-7 segments (153 characters each). */
export const SMS_MAX_CHARS = 306;

/**
 * The SMS text: title, as much of the body as fits, and the link. Arrows and
 * ellipses become ASCII so the text stays GSM-7 (UCS-2 halves a segment).
 */
export function smsText(title: string, body: string, link: string | null): string {
  const ascii = (text: string) => text.replace(/→/g, "->").replace(/…/g, "...");
  const head = ascii(`Message Hub: ${title}`);
  const tail = link ? `\n${link}` : "";
  const room = SMS_MAX_CHARS - head.length - tail.length - 1;
  const flat = ascii(body).replace(/\s*\n\s*/g, "; ").trim();
  const middle = room < 20 || !flat ? "" : `\n${flat.length > room ? `${flat.slice(0, room - 3)}...` : flat}`;
  return `${head}${middle}${tail}`.slice(0, SMS_MAX_CHARS);
}

/**
 * Sends one pending (notification, channel) delivery and marks it sent. A
 * delivery that is no longer pending is done: reruns of the job send nothing.
 * The only window for a second send is a crash between the send and the
 * update; email then goes out again with the same Message-ID (the dev mailbox
 * keeps it once), push with the same tag (the browser replaces it), an SMS
 * twice. SMS goes through the SMS router's provider (lib/sms/send.ts, which
 * logs its usage and cost) to the user's first verified number; a user with
 * none gets the delivery marked skipped.
 */
export async function deliverChannel(db: Database, deliveryId: string, now: () => Date = () => new Date()): Promise<{ outcome: "sent" | "done" | "skipped" } | { outcome: "held"; until: Date }> {
  const [row] = await db
    .select({ delivery: notificationDeliveries, notification: notifications, email: users.email })
    .from(notificationDeliveries)
    .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(eq(notificationDeliveries.id, deliveryId));
  if (!row || row.delivery.status !== "pending") return { outcome: "done" };
  const { delivery, notification } = row;
  // Quiet hours: the job starts after notBefore; a clock that disagrees (an early retry) waits for the next run.
  if (delivery.notBefore && delivery.notBefore.getTime() > now().getTime()) return { outcome: "held", until: delivery.notBefore };
  const base = (getConfig().PUBLIC_URL ?? "http://localhost:3000").replace(/\/$/, "");
  let detail: string | { skipped: string };
  try {
    detail = await sendOn(db, row, base);
  } catch (error) {
    metrics().notifications.inc({ channel: delivery.channel, outcome: "failed" });
    throw error;
  }
  if (typeof detail !== "string") {
    const at = now();
    await db
      .update(notificationDeliveries)
      .set({ status: "skipped", detail: detail.skipped, attempts: delivery.attempts + 1, updatedAt: at })
      .where(and(eq(notificationDeliveries.id, deliveryId), eq(notificationDeliveries.status, "pending")));
    metrics().notifications.inc({ channel: delivery.channel, outcome: "skipped" });
    return { outcome: "skipped" };
  }
  const sentAt = now();
  await db
    .update(notificationDeliveries)
    .set({ status: "sent", sentAt, detail, attempts: delivery.attempts + 1, updatedAt: sentAt })
    .where(and(eq(notificationDeliveries.id, deliveryId), eq(notificationDeliveries.status, "pending")));
  metrics().notifications.inc({ channel: delivery.channel, outcome: "sent" });
  getLogger().info({ deliveryId, channel: delivery.channel, notificationId: notification.id }, "notification sent");
  return { outcome: "sent" };
}

type DeliveryRow = { delivery: typeof notificationDeliveries.$inferSelect; notification: typeof notifications.$inferSelect; email: string };

/** Sends on one network channel; returns what to record as the delivery's detail, or why nothing was sent. */
async function sendOn(db: Database, row: DeliveryRow, base: string): Promise<string | { skipped: string }> {
  const { delivery, notification } = row;
  if (delivery.channel === "push") {
    const result = await sendPush(db, notification.userId, { title: notification.title, body: notification.body, url: notification.url ?? undefined, tag: notification.id }, { urgency: notification.urgent ? "high" : "normal" });
    // No subscribed browser is not a failure to retry: there is nobody to push to.
    if (result.sent === 0 && result.failed > 0) throw new Error(`push failed for ${result.failed} subscription(s)`);
    return `sent ${result.sent}, removed ${result.removed}`;
  }
  if (delivery.channel === "email") {
    const type = notification.type as NotificationType;
    const unsubscribeUrl = `${base}/api/v1/notifications/unsubscribe?token=${encodeURIComponent(unsubscribeToken(notification.userId, type))}`;
    const content = renderNotificationEmail({
      title: notification.title,
      body: notification.body,
      link: notification.url ? `${base}${notification.url}` : null,
      unsubscribeLink: unsubscribeUrl,
      typeLabel: NOTIFICATION_TYPE_LABELS[type] ?? type,
    });
    return sendEmail(db, { messageId: `<${delivery.id}@message-hub>`, to: row.email, ...content, unsubscribeUrl });
  }
  if (delivery.channel === "sms") {
    // Only to a number the user proved is theirs; without one there is nobody to text (not a failure to retry).
    const to = await notificationNumber(db, notification.userId);
    if (!to) return { skipped: "no verified phone number" };
    const sent = await sendSms(db, { userId: notification.userId, to, body: smsText(notification.title, notification.body, notification.url ? `${base}${notification.url}` : null), kind: "notification" });
    return `sms ${sent.sid}`;
  }
  return "in-app";
}
