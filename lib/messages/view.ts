import { getTableColumns } from "drizzle-orm";
import { messages } from "@/lib/db/schema/inbox";
import type { MessageView, MessageType, Priority } from "@/lib/messages/schemas";

/**
 * Every column of a message except the search document, which is large,
 * derived, and never sent to a client. Selects and RETURNING use this.
 */
const { search: _search, ...columns } = getTableColumns(messages);
export const messageColumns = columns;

export type MessageRow = Omit<typeof messages.$inferSelect, "search">;

export function toMessageView(row: MessageRow): MessageView {
  return {
    id: row.id,
    deviceId: row.deviceId,
    source: row.source,
    externalId: row.externalId,
    type: row.type as MessageType,
    sender: row.sender,
    recipient: row.recipient,
    body: row.body,
    title: row.title,
    app: row.app,
    simSlot: row.simSlot,
    threadKey: row.threadKey,
    priority: row.priority as Priority,
    tags: row.tags,
    metadata: row.metadata as Record<string, unknown>,
    attachments: row.attachments as MessageView["attachments"],
    receivedAt: row.receivedAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    read: row.readAt !== null,
    readAt: row.readAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    position: row.changePosition,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A sync change: the message as it is now, and whether that state is "deleted". */
export function toSyncChange(row: MessageRow): MessageView & { deleted: boolean } {
  return { ...toMessageView(row), deleted: row.deletedAt !== null };
}
