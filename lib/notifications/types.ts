/**
 * The notification types a user can receive and the channels they go out on.
 * The preferences API and the Settings matrix are built from these lists.
 */
export const NOTIFICATION_TYPES = [
  "task.assigned",
  "task.status_changed",
  "task.reminder",
  "room.mention",
  "room.status_changed",
  "message.high_priority",
  "webhook.disabled",
  "device.offline",
  "digest.daily",
  "digest.weekly",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const CHANNELS = ["in_app", "push", "email", "sms"] as const;
export type Channel = (typeof CHANNELS)[number];

/** What each type is called in emails (the unsubscribe footer) and SMS. */
export const NOTIFICATION_TYPE_LABELS: Record<NotificationType, string> = {
  "task.assigned": "Task assigned to me",
  "task.status_changed": "Task status changed",
  "task.reminder": "Task reminders",
  "room.mention": "Mentioned in an incident room",
  "room.status_changed": "Incident room status or severity changed",
  "message.high_priority": "High-priority messages",
  "webhook.disabled": "Webhook disabled",
  "device.offline": "Device went offline",
  "digest.daily": "Daily digest",
  "digest.weekly": "Weekly digest",
};

/**
 * What a user gets when they never chose: everything in the app; push for
 * what needs them now; email for what they might otherwise miss. SMS costs
 * money and needs a verified number, so it is never on until the user turns
 * it on.
 */
export const DEFAULT_PREFERENCES: Record<NotificationType, Record<Channel, boolean>> = {
  "task.assigned": { in_app: true, push: true, email: true, sms: false },
  "task.status_changed": { in_app: true, push: false, email: false, sms: false },
  "task.reminder": { in_app: true, push: true, email: false, sms: false },
  "room.mention": { in_app: true, push: true, email: false, sms: false },
  "room.status_changed": { in_app: true, push: true, email: false, sms: false },
  "message.high_priority": { in_app: true, push: true, email: false, sms: false },
  "webhook.disabled": { in_app: true, push: false, email: true, sms: false },
  "device.offline": { in_app: true, push: true, email: true, sms: false },
  "digest.daily": { in_app: true, push: false, email: true, sms: false },
  "digest.weekly": { in_app: true, push: false, email: true, sms: false },
};
