import { and, eq, ne } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { messages } from "@/lib/db/schema/inbox";
import { roomMembers, roomMessages, rooms } from "@/lib/db/schema/rooms";
import { users } from "@/lib/db/schema/users";
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
    case "room.mention":
      return { title: `${count} mentions in ${String(latest.data.roomTitle)}`, body: `Latest: ${latest.body}`, url: `/rooms/${String(latest.data.roomId)}` };
    case "room.status_changed":
      return { title: `${count} changes to ${String(latest.data.roomTitle)}`, body: `Now: ${String(latest.data.status)}, ${String(latest.data.severity)}`, url: `/rooms/${String(latest.data.roomId)}` };
    default:
      return null;
  }
}

/** The outbox event types that can make notifications. */
export const NOTIFYING_EVENTS = ["task.assigned", "task.status_changed", "task.reminder", "room.mention", "room.status_changed", "room.severity_changed", "message.received", "webhook.disabled", "device.offline"] as const;

/** The most of a room message a mention notification quotes. */
export const MENTION_SNIPPET_CHARS = 140;

/** A sev1 incident is urgent: its mentions and changes come through quiet hours. */
const URGENT_SEVERITY = "sev1";

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MENTION_SNIPPET_CHARS ? `${flat.slice(0, MENTION_SNIPPET_CHARS - 1)}…` : flat;
}

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
    case "room.mention": {
      // Checked again at delivery time: still a member, the message still there and still naming them.
      if (!event.userId) return [];
      const [row] = await tx
        .select({ title: rooms.title, severity: rooms.severity, archivedAt: rooms.archivedAt, content: roomMessages.content, mentions: roomMessages.mentions, deletedAt: roomMessages.deletedAt, author: users.name })
        .from(roomMessages)
        .innerJoin(rooms, eq(rooms.id, roomMessages.roomId))
        .innerJoin(roomMembers, and(eq(roomMembers.roomId, roomMessages.roomId), eq(roomMembers.userId, event.userId)))
        .innerJoin(users, eq(users.id, roomMessages.authorId))
        .where(and(eq(roomMessages.id, String(data.messageId)), eq(roomMessages.roomId, String(data.roomId))));
      if (!row || row.deletedAt || !row.mentions.includes(event.userId)) return [];
      const roomId = String(data.roomId);
      return [
        {
          userId: event.userId,
          type: "room.mention",
          title: `${row.author} mentioned you in ${row.title}`,
          body: snippet(row.content),
          url: `/rooms/${roomId}?message=${String(data.messageId)}`,
          data: { roomId, messageId: data.messageId, seq: data.seq ?? null, authorId: data.authorId ?? null, roomTitle: row.title, edited: data.edited === true },
          urgent: row.severity === URGENT_SEVERITY,
          groupKey: `room:${roomId}`,
        },
      ];
    }
    case "room.status_changed":
    case "room.severity_changed": {
      // Every member but the one who made the change, read now (a member who left hears nothing).
      const roomId = String(data.roomId);
      const [room] = await tx.select({ title: rooms.title, status: rooms.status, severity: rooms.severity }).from(rooms).where(eq(rooms.id, roomId));
      if (!room) return [];
      const changedBy = typeof data.changedBy === "string" ? data.changedBy : "";
      const members = await tx
        .select({ userId: roomMembers.userId })
        .from(roomMembers)
        .where(and(eq(roomMembers.roomId, roomId), ne(roomMembers.userId, changedBy)))
        .orderBy(roomMembers.userId);
      const [who] = changedBy ? await tx.select({ name: users.name }).from(users).where(eq(users.id, changedBy)) : [];
      const byWhom = who ? ` by ${who.name}` : "";
      const status = event.type === "room.status_changed" ? String(data.to) : String(data.status ?? room.status);
      const severity = event.type === "room.severity_changed" ? String(data.to) : String(data.severity ?? room.severity);
      const title = event.type === "room.status_changed" ? `${String(data.title ?? room.title)} is now ${status}` : `${String(data.title ?? room.title)} is now ${severity}`;
      const changes =
        event.type === "room.status_changed"
          ? [`Status ${String(data.from)} → ${status}`, ...(data.severityFrom ? [`severity ${String(data.severityFrom)} → ${severity}`] : [])]
          : [`Severity ${String(data.from)} → ${severity}`];
      return members.map(({ userId }) => ({
        userId,
        type: "room.status_changed" as const,
        title,
        body: `${changes.join(", ")}${byWhom}.`,
        url: `/rooms/${roomId}`,
        data: { roomId, roomTitle: String(data.title ?? room.title), status, severity, from: data.from ?? null, to: data.to ?? null, kind: event.type === "room.status_changed" ? "status" : "severity" },
        urgent: severity === URGENT_SEVERITY,
        groupKey: `room:${roomId}`,
      }));
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
          url: `/inbox?m=${message.id}`,
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
