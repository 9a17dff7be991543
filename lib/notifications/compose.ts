import { and, eq } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { messages } from "@/lib/db/schema/inbox";
import type { DispatchedEvent } from "@/lib/jobs/dispatcher";
import type { NotificationType } from "@/lib/notifications/types";

/** One notification to write for one recipient. */
export type Draft = {
  userId: string;
  type: NotificationType;
  title: string;
  body: string;
  url: string | null;
  data: Record<string, unknown>;
  urgent: boolean;
  /** Bursts with the same type and key collapse into one notification; null never groups. */
  groupKey?: string | null;
};

/** What a notification standing for `count` events of a burst says. */
export function groupedText(type: string, count: number, latest: { title: string; body: string; data: Record<string, unknown> }): { title: string; body: string; url: string | null } | null {
  switch (type) {
    case "message.high_priority":
      return { title: `${count} new messages from ${String(latest.data.sender)}`, body: "Open the inbox to read them.", url: "/inbox" };
    case "task.assigned":
      return { title: `${count} tasks assigned to you`, body: `Latest: ${latest.body}`, url: "/tasks" };
    case "task.status_changed":
      return { title: `${count} task status changes`, body: `Latest: ${latest.body} (${latest.title.replace(/^Task is now /, "")})`, url: "/tasks" };
    default:
      return null;
  }
}

/** The outbox event types that can make notifications. */
export const NOTIFYING_EVENTS = ["task.assigned", "task.status_changed", "task.reminder", "message.received", "webhook.disabled", "device.offline"] as const;

type TaskData = { id: string; ownerId: string; assigneeId: string | null; title: string; status: string };

const STATUS_LABEL: Record<string, string> = { todo: "To do", in_progress: "In progress", blocked: "Blocked", done: "Done" };

/**
 * Turns one outbox event into the notifications it makes: who receives it and
 * what it says. Reads on the consumer's transaction only. Message bodies are
 * never copied into a notification (they can be one-time codes); the sender is.
 */
export async function composeNotifications(tx: Tx, event: DispatchedEvent): Promise<Draft[]> {
  const data = event.data;
  switch (event.type) {
    case "task.assigned": {
      const task = data.task as TaskData;
      if (!task.assigneeId) return [];
      return [{ userId: task.assigneeId, type: "task.assigned", title: "Task assigned to you", body: task.title, url: `/tasks?task=${task.id}`, data: { taskId: task.id }, urgent: false, groupKey: "tasks" }];
    }
    case "task.status_changed": {
      const task = data.task as TaskData;
      const to = String(data.to ?? task.status);
      const recipients = [...new Set([task.ownerId, task.assigneeId].filter((id): id is string => !!id))];
      return recipients.map((userId) => ({
        userId,
        type: "task.status_changed" as const,
        title: `Task is now ${STATUS_LABEL[to] ?? to}`,
        body: task.title,
        url: `/tasks?task=${task.id}`,
        data: { taskId: task.id, from: data.from ?? null, to },
        urgent: false,
        groupKey: "tasks",
      }));
    }
    case "task.reminder": {
      if (!event.userId) return [];
      const dueAt = typeof data.dueAt === "string" ? data.dueAt : null;
      return [{ userId: event.userId, type: "task.reminder", title: "Reminder", body: String(data.title ?? "Task"), url: `/tasks?task=${String(data.taskId)}`, data: { taskId: data.taskId, dueAt }, urgent: false }];
    }
    case "message.received": {
      if (!event.userId) return [];
      const [message] = await tx
        .select({ id: messages.id, sender: messages.sender, priority: messages.priority, type: messages.type })
        .from(messages)
        .where(and(eq(messages.id, String(data.messageId)), eq(messages.userId, event.userId)));
      if (!message || (message.priority !== "high" && message.priority !== "urgent")) return [];
      return [
        {
          userId: event.userId,
          type: "message.high_priority",
          title: message.priority === "urgent" ? `Urgent ${message.type} from ${message.sender}` : `High-priority ${message.type} from ${message.sender}`,
          body: "Open the inbox to read it.",
          url: `/inbox?message=${message.id}`,
          data: { messageId: message.id, sender: message.sender, priority: message.priority },
          urgent: message.priority === "urgent",
          groupKey: message.sender,
        },
      ];
    }
    case "webhook.disabled": {
      if (!event.userId) return [];
      return [
        {
          userId: event.userId,
          type: "webhook.disabled",
          title: "A webhook was disabled",
          body: `${String(data.url)} kept failing and was disabled. Fix it and enable it again.`,
          url: `/settings/webhooks`,
          data: { webhookId: data.webhookId },
          urgent: false,
        },
      ];
    }
    case "device.offline": {
      if (!event.userId) return [];
      return [
        {
          userId: event.userId,
          type: "device.offline",
          title: `${String(data.name)} went offline`,
          body: `Nothing heard from it since ${String(data.lastSeenAt)}. Messages it receives are not reaching the hub.`,
          url: "/settings/devices",
          data: { deviceId: data.deviceId, lastSeenAt: data.lastSeenAt },
          urgent: false,
        },
      ];
    }
    default:
      return [];
  }
}
