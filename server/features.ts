import type { JobRegistrar } from "@/lib/jobs/boss";
import { dispatcherJobs, type OutboxConsumer } from "@/lib/jobs/dispatcher";
import { registerHeartbeat } from "@/lib/jobs/heartbeat";
import { retentionJobs } from "@/lib/messages/retention";
import { notificationsConsumer } from "@/lib/notifications/consumer";
import { notificationJobs } from "@/lib/notifications/jobs";
import { taskJobs } from "@/lib/tasks/reminders";
import { webhooksConsumer } from "@/lib/webhooks/consumer";
import { webhookJobs } from "@/lib/webhooks/jobs";
import { analyticsJobs } from "@/lib/analytics/jobs";
import type { SocketRegistrar } from "@/server/realtime/index";
import { registerRoomSockets } from "@/server/realtime/rooms";

/**
 * The features' hooks into the server: socket event handlers, jobs and
 * outbox consumers. A feature adds its registrar here; the server calls each
 * at boot (jobs) or on every authenticated connection (sockets).
 */
export const socketRegistrars: SocketRegistrar[] = [registerRoomSockets];

/**
 * Who receives outbox events (lib/jobs/README.md). Each consumer gets one job
 * per event of a type it lists, and handles it once.
 */
export const outboxConsumers: OutboxConsumer[] = [webhooksConsumer, notificationsConsumer];

export const jobRegistrars: JobRegistrar[] = [
  // A once-a-minute tick whose last run /api/metrics reports: alert when no worker runs.
  registerHeartbeat,
  // Task reminders: the per-reminder wake-up jobs, the minute sweep, the boot-time catch-up.
  taskJobs(),
  // The outbox dispatcher and the webhook delivery queue.
  dispatcherJobs({ consumers: outboxConsumers }),
  webhookJobs,
  // Notification channels: one job per (notification, push|email) delivery.
  notificationJobs,
  // Inbox retention: deletes messages older than each user's (or device's) rule.
  retentionJobs,
  // Analytics: daily rollups (backfilled on the first run) and device-status snapshots.
  analyticsJobs,
];
