import { and, asc, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { messages } from "@/lib/db/schema/inbox";
import { AppError } from "@/lib/http/errors";
import { recordEvent, recordEvents } from "@/lib/jobs/outbox";
import { publish } from "@/lib/realtime/publish";
import { lockPositions, reservePositions } from "@/lib/sync/positions";
import { filterConditions, type Filter } from "@/lib/messages/list";
import type { MessageView, Priority } from "@/lib/messages/schemas";
import { messageColumns, toMessageView } from "@/lib/messages/view";

/**
 * Changes to stored messages: read state, tags, priority, soft delete.
 * Each change takes a new change position in the same transaction (so sync
 * clients see the row again with its new state), records a message.updated
 * outbox event, and after the commit publishes hub:message:updated.
 */
export type ChangeKind = "read" | "unread" | "tags" | "priority" | "deleted";

type MessageSet = Partial<{ readAt: SQL | null; tags: string[]; priority: Priority; deletedAt: SQL }>;

async function changeOne(db: Database, userId: string, id: string, kind: ChangeKind, set: MessageSet, onlyIf?: SQL): Promise<MessageView> {
  const { row, changed } = await db.transaction(async (tx) => {
    const position = await reservePositions(tx, userId, "messages", 1);
    const [updated] = await tx
      .update(messages)
      .set({ ...set, changePosition: position, updatedAt: sql`now()` })
      .where(and(eq(messages.userId, userId), eq(messages.id, id), isNull(messages.deletedAt), onlyIf))
      .returning(messageColumns);
    if (updated) {
      await recordEvent(tx, { type: "message.updated", userId, data: { messageId: id, change: kind, position } });
      return { row: updated, changed: true };
    }
    // Nothing to change (already read, say), or not the caller's message.
    const [current] = await tx
      .select(messageColumns)
      .from(messages)
      .where(and(eq(messages.userId, userId), eq(messages.id, id), isNull(messages.deletedAt)))
      .limit(1);
    if (!current) throw new AppError("not_found", "Message not found");
    return { row: current, changed: false };
  });
  const message = toMessageView(row);
  if (changed) publishUpdate(userId, message, kind);
  return message;
}

function publishUpdate(userId: string, message: MessageView, change: ChangeKind): void {
  publish(`user:${userId}`, "hub:message:updated", { message: { ...message, deleted: change === "deleted" }, change, position: message.position });
}

export function markRead(db: Database, userId: string, id: string): Promise<MessageView> {
  return changeOne(db, userId, id, "read", { readAt: sql`now()` }, isNull(messages.readAt));
}

export function markUnread(db: Database, userId: string, id: string): Promise<MessageView> {
  return changeOne(db, userId, id, "unread", { readAt: null }, isNotNull(messages.readAt));
}

export function patchMessage(db: Database, userId: string, id: string, patch: { tags?: string[]; priority?: Priority }): Promise<MessageView> {
  const set: MessageSet = {};
  if (patch.tags !== undefined) set.tags = patch.tags;
  if (patch.priority !== undefined) set.priority = patch.priority;
  return changeOne(db, userId, id, patch.tags !== undefined ? "tags" : "priority", set);
}

/** Soft delete: the row stays as a tombstone that sync hands to every client. */
export async function deleteMessage(db: Database, userId: string, id: string): Promise<void> {
  await changeOne(db, userId, id, "deleted", { deletedAt: sql`now()` });
}

const BULK_BATCH = 1000;

export type BulkTarget = { ids: string[] } | { filter: Filter };

/** Marks messages read in bulk; see setReadBulk. */
export function markReadBulk(db: Database, userId: string, target: BulkTarget): Promise<{ updated: number }> {
  return setReadBulk(db, userId, target, true);
}

/** Marks messages unread in bulk; see setReadBulk. */
export function markUnreadBulk(db: Database, userId: string, target: BulkTarget): Promise<{ updated: number }> {
  return setReadBulk(db, userId, target, false);
}

/**
 * Marks messages read or unread in bulk, by ids (at most 500) or by filter
 * (any number). Only rows whose state changes are touched, so each gets one
 * new position and one event. Works in batches of 1000 rows, one short
 * transaction each, so a large filter never holds the user's position
 * counter for long.
 */
async function setReadBulk(db: Database, userId: string, target: BulkTarget, read: boolean): Promise<{ updated: number }> {
  const conditions = "ids" in target ? [eq(messages.userId, userId), isNull(messages.deletedAt), inArray(messages.id, target.ids)] : filterConditions(userId, target.filter);
  conditions.push(read ? isNull(messages.readAt) : isNotNull(messages.readAt));
  const change: ChangeKind = read ? "read" : "unread";
  let updated = 0;
  for (;;) {
    const changed = await db.transaction(async (tx) => {
      // The counter before the rows, as every writer of the stream takes them (lib/sync).
      await lockPositions(tx, userId, "messages");
      const targets = await tx
        .select({ id: messages.id })
        .from(messages)
        .where(and(...conditions))
        .orderBy(asc(messages.changePosition))
        .limit(BULK_BATCH)
        .for("update");
      if (targets.length === 0) return [];
      const first = await reservePositions(tx, userId, "messages", targets.length);
      const ids = targets.map((target) => target.id);
      const positions = ids.map((_, index) => first + index);
      const rows = await tx
        .update(messages)
        .set({ readAt: read ? sql`now()` : null, updatedAt: sql`now()`, changePosition: sql`v.position` })
        .from(sql`unnest(${sql.param(ids)}::text[], ${sql.param(positions)}::bigint[]) as v(id, position)`)
        .where(and(eq(messages.userId, userId), sql`${messages.id} = v.id`))
        .returning(messageColumns);
      await recordEvents(
        tx,
        rows.map((row) => ({ type: "message.updated", userId, data: { messageId: row.id, change, position: row.changePosition } })),
      );
      return rows;
    });
    for (const row of changed) publishUpdate(userId, toMessageView(row), change);
    updated += changed.length;
    if (changed.length < BULK_BATCH || "ids" in target) break;
  }
  return { updated };
}
