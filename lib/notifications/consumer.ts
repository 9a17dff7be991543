import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { enqueueInTx, jobIdFor, wakeWorkers } from "@/lib/jobs/boss";
import type { OutboxConsumer } from "@/lib/jobs/dispatcher";
import { metrics } from "@/lib/metrics/metrics";
import { publish } from "@/lib/realtime/publish";
import { composeNotifications, groupedText, NOTIFYING_EVENTS, type Draft } from "@/lib/notifications/compose";
import { CHANNEL_QUEUE, type ChannelJob } from "@/lib/notifications/deliver";
import { channelsFor } from "@/lib/notifications/preferences";
import { quietHoursEnd } from "@/lib/notifications/schedule";
import { getSettings } from "@/lib/notifications/settings";
import { toNotificationView, type NotificationView } from "@/lib/notifications/list";

export type Clock = { now: () => Date };
const systemClock: Clock = { now: () => new Date() };

/** Events of the same type and key within this window collapse into one notification. */
export const GROUP_WINDOW_MS = 5 * 60_000;

/**
 * The outbox consumer that turns domain events into notifications. In its
 * transaction (once per event, by the dispatcher's dedupe):
 * - a burst (same user, type and group key, unread, within GROUP_WINDOW_MS)
 *   folds into the existing notification: its count and text change, and
 *   any push/email still waiting sends the new text;
 * - otherwise one notification per recipient, one delivery row per channel
 *   the preferences allow, and one channel job per network channel (push,
 *   email, sms), held until the end of the user's quiet hours unless urgent.
 * In-app is the notification row itself, announced over Socket.IO after the commit.
 */
export function createNotificationsConsumer(clock: Clock = systemClock): OutboxConsumer {
  return {
    name: "notifications",
    types: NOTIFYING_EVENTS,
    // Only high and urgent messages notify; the event carries the priority, so
    // an ordinary message needs no job. An event without one (recorded before
    // it was added) is looked at as before.
    async relevant(_tx, events) {
      return new Set(events.filter((event) => event.type !== "message.received" || !["low", "normal"].includes(String(event.data.priority))).map((event) => event.id));
    },
    async handle(tx, event, { boss }) {
      const now = clock.now();
      const drafts = await composeNotifications(tx, event);
      const announced: NotificationView[] = [];
      const jobs: { name: string; id: string; data: ChannelJob; startAfter?: Date }[] = [];
      for (const draft of drafts) {
        const channels = await channelsFor(tx, draft.userId, draft.type);
        if (channels.length === 0) continue;
        const grouped = await foldIntoGroup(tx, draft, now);
        if (grouped) {
          if (channels.includes("in_app")) announced.push(grouped);
          continue;
        }
        const [row] = await tx
          .insert(notifications)
          .values({ id: newId("ntf"), eventId: event.id, ...draft, groupKey: draft.groupKey ?? null, createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .returning();
        if (!row) continue;
        const settings = await getSettings(tx, draft.userId);
        const heldUntil = draft.urgent || !settings.quietHours ? null : quietHoursEnd(now, settings.quietHours, settings.timezone);
        const deliveries = await tx
          .insert(notificationDeliveries)
          .values(
            channels.map((channel) => ({
              id: newId("ndl"),
              notificationId: row.id,
              channel,
              status: channel === "in_app" ? ("sent" as const) : ("pending" as const),
              sentAt: channel === "in_app" ? now : null,
              notBefore: channel === "in_app" ? null : heldUntil,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: notificationDeliveries.id, channel: notificationDeliveries.channel });
        for (const delivery of deliveries) {
          if (delivery.channel === "in_app") continue;
          jobs.push({ name: CHANNEL_QUEUE, id: jobIdFor(`${delivery.id}:send`), data: { deliveryId: delivery.id }, ...(heldUntil ? { startAfter: heldUntil } : {}) });
        }
        if (channels.includes("in_app")) announced.push(toNotificationView(row));
      }
      await enqueueInTx(tx, boss, jobs);
      return () => {
        for (const view of announced) publish(`user:${view.userId}`, "notification", view);
        // In-app is delivered by the commit itself; push and email count when their jobs send.
        if (announced.length > 0) metrics().notifications.inc({ channel: "in_app", outcome: "sent" }, announced.length);
        if (jobs.length > 0) wakeWorkers(CHANNEL_QUEUE);
      };
    },
  };
}

/** Folds a draft into the user's open burst of the same type and key, if there is one. */
async function foldIntoGroup(tx: Tx, draft: Draft, now: Date): Promise<NotificationView | null> {
  if (!draft.groupKey) return null;
  const [open] = await tx
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, draft.userId),
        eq(notifications.type, draft.type),
        eq(notifications.groupKey, draft.groupKey),
        isNull(notifications.readAt),
        gt(notifications.createdAt, new Date(now.getTime() - GROUP_WINDOW_MS)),
      ),
    )
    .orderBy(desc(notifications.createdAt))
    .limit(1)
    .for("update");
  if (!open) return null;
  const count = open.count + 1;
  const text = groupedText(draft.type, count, draft);
  if (!text) return null;
  const [updated] = await tx
    .update(notifications)
    .set({ count, title: text.title, body: text.body, url: text.url, urgent: open.urgent || draft.urgent, data: { ...open.data, latest: draft.data }, updatedAt: now })
    .where(eq(notifications.id, open.id))
    .returning();
  return updated ? toNotificationView(updated) : null;
}

export const notificationsConsumer = createNotificationsConsumer();
