import type { MessageView } from "@/lib/messages/schemas";

/**
 * Server-to-client events (docs: API.md, Realtime). A feature that handles an
 * event gives its payload a real type here; until then it is `unknown` and
 * the handler must check what it gets.
 */
export interface RealtimeEvents {
  "hub:message": { message: MessageView; position: number };
  "hub:message:updated": { message: MessageView & { deleted?: boolean }; change: "read" | "unread" | "tags" | "priority" | "deleted"; position: number };
  "message:new": unknown;
  "message:edited": unknown;
  "message:deleted": unknown;
  "reaction:updated": unknown;
  typing: unknown;
  presence: unknown;
  "room:updated": unknown;
  "task:changed": unknown;
  notification: unknown;
}

export type RealtimeEventName = keyof RealtimeEvents;
