/**
 * The notification types a user can receive and the channels they go out on.
 * The preferences API and the Settings matrix are built from these lists.
 */
export const NOTIFICATION_TYPES = ["task.assigned", "task.status_changed", "task.reminder", "message.high_priority", "webhook.disabled", "device.offline", "digest.daily", "digest.weekly"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const CHANNELS = ["in_app", "push", "email"] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * What a user gets when they never chose: everything in the app; push for
 * what needs them now; email for what they might otherwise miss.
 */
export const DEFAULT_PREFERENCES: Record<NotificationType, Record<Channel, boolean>> = {
  "task.assigned": { in_app: true, push: true, email: true },
  "task.status_changed": { in_app: true, push: false, email: false },
  "task.reminder": { in_app: true, push: true, email: false },
  "message.high_priority": { in_app: true, push: true, email: false },
  "webhook.disabled": { in_app: true, push: false, email: true },
  "device.offline": { in_app: true, push: true, email: true },
  "digest.daily": { in_app: true, push: false, email: true },
  "digest.weekly": { in_app: true, push: false, email: true },
};
