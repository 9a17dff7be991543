/**
 * The event types a webhook can subscribe to. The first eight are the public
 * contract (docs/api.md, "Outbound webhooks"); the rest are the other domain
 * events the hub records. "*" subscribes to every type, present and future.
 */
export const WEBHOOK_EVENT_TYPES = [
  "message.received",
  "message.updated",
  "task.created",
  "task.updated",
  "task.completed",
  "room.message",
  "room.status_changed",
  "device.offline",
  "task.assigned",
  "task.status_changed",
  "task.reminder",
  "room.mention",
  "webhook.disabled",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const ALL_EVENTS = "*";

export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}
