import { and, eq } from "drizzle-orm";
import { getConfig } from "@/lib/config/env";
import type { Database } from "@/lib/db/client";
import { notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { users } from "@/lib/db/schema/users";
import { getLogger } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/metrics";
import { renderNotificationEmail, sendEmail } from "@/lib/notifications/email";
import { sendPush } from "@/lib/notifications/push";
import type { NotificationType } from "@/lib/notifications/types";
import { unsubscribeToken } from "@/lib/notifications/unsubscribe";

export const CHANNEL_QUEUE = "notification-send";
export type ChannelJob = { deliveryId: string };

const TYPE_LABELS: Record<NotificationType, string> = {
  "task.assigned": "Task assigned to me",
  "task.status_changed": "Task status changed",
  "task.reminder": "Task reminders",
  "message.high_priority": "High-priority messages",
  "webhook.disabled": "Webhook disabled",
  "device.offline": "Device went offline",
  "digest.daily": "Daily digest",
  "digest.weekly": "Weekly digest",
};

/**
 * Sends one pending (notification, channel) delivery and marks it sent. A
 * delivery that is no longer pending is done: reruns of the job send nothing.
 * The only window for a second send is a crash between the send and the
 * update; email then goes out again with the same Message-ID (the dev mailbox
 * keeps it once), push with the same tag (the browser replaces it).
 */
export async function deliverChannel(db: Database, deliveryId: string, now: () => Date = () => new Date()): Promise<{ outcome: "sent" | "done" } | { outcome: "held"; until: Date }> {
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
  let detail: string;
  try {
    detail = await sendOn(db, row, base);
  } catch (error) {
    metrics().notifications.inc({ channel: delivery.channel, outcome: "failed" });
    throw error;
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

/** Sends on one network channel; returns what to record as the delivery's detail. */
async function sendOn(db: Database, row: DeliveryRow, base: string): Promise<string> {
  const { delivery, notification } = row;
  if (delivery.channel === "push") {
    const result = await sendPush(db, notification.userId, { title: notification.title, body: notification.body, url: notification.url ?? undefined, tag: notification.id }, { urgency: notification.urgent ? "high" : "normal" });
    // No subscribed browser is not a failure to retry: there is nobody to push to.
    if (result.sent === 0 && result.failed > 0) throw new Error(`push failed for ${result.failed} subscription(s)`);
    return `sent ${result.sent}, removed ${result.removed}`;
  }
  if (delivery.channel === "email") {
    const type = notification.type as NotificationType;
    const content = renderNotificationEmail({
      title: notification.title,
      body: notification.body,
      link: notification.url ? `${base}${notification.url}` : null,
      unsubscribeLink: `${base}/api/v1/notifications/unsubscribe?token=${encodeURIComponent(unsubscribeToken(notification.userId, type))}`,
      typeLabel: TYPE_LABELS[type] ?? type,
    });
    return sendEmail(db, { messageId: `<${delivery.id}@message-hub>`, to: row.email, ...content });
  }
  return "in-app";
}
