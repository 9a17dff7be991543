import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Database } from "@/lib/db/client";
import { roomMembers, rooms } from "@/lib/db/schema/rooms";
import { AppError } from "@/lib/http/errors";
import { recordEvent } from "@/lib/jobs/outbox";
import { assertCanManage, assertCommander, lockMembership } from "@/lib/rooms/access";
import { insertSystemMessages, logChanges, publishEvents, takePositions } from "@/lib/rooms/changes";
import { inRoomOrder } from "@/lib/rooms/room-queue";
import { userNames } from "@/lib/rooms/people";
import type { RoomEvent, RoomView, updateRoomSchema } from "@/lib/rooms/schemas";
import { stripControl } from "@/lib/rooms/text";
import { toRoomView } from "@/lib/rooms/views";

/**
 * Changes a room's title, description, severity, status, commander or
 * archived state. Status, severity, command and archiving are the incident's
 * key events: each becomes a system message in the timeline. The room
 * change itself is one `room:updated` event after them. A change to the
 * status also goes to the outbox as `room.status_changed` (with
 * `severityFrom` when the severity changed with it); a change to the
 * severity alone as `room.severity_changed`. One update, one event: the
 * members get one notification for it.
 *
 * The commander and the scribe manage the room; only the commander (or an
 * admin) hands over command or archives. An archived room accepts nothing
 * but being unarchived.
 */
export async function updateRoom(db: Database, actor: Actor, roomId: string, input: z.output<typeof updateRoomSchema>): Promise<RoomView> {
  const outcome = await inRoomOrder(roomId, () => db.transaction(async (tx) => {
    const membership = await lockMembership(tx, roomId, actor.userId);
    const { room } = membership;
    const archived = room.archivedAt !== null;
    if (archived && input.archived !== false) throw new AppError("conflict", "This room is archived and read-only; unarchive it first");

    if (input.commanderId !== undefined || input.archived !== undefined) assertCommander(membership, actor, input.commanderId !== undefined ? "hand over command" : "archive the room");
    if (input.title !== undefined || input.description !== undefined || input.severity !== undefined || input.status !== undefined) assertCanManage(membership, actor);

    const title = input.title !== undefined ? stripControl(input.title) : room.title;
    const description = input.description !== undefined ? stripControl(input.description) : room.description;
    const changed: string[] = [];
    if (title !== room.title) changed.push("title");
    if (description !== room.description) changed.push("description");
    if (input.severity !== undefined && input.severity !== room.severity) changed.push("severity");
    if (input.status !== undefined && input.status !== room.status) changed.push("status");
    if (input.commanderId !== undefined && input.commanderId !== room.commanderId) changed.push("commanderId");
    if (input.archived !== undefined && input.archived !== archived) changed.push("archived");
    if (changed.length === 0) return { view: toRoomView(room), events: [] as RoomEvent[] };

    if (changed.includes("commanderId")) {
      const [next] = await tx
        .select({ role: roomMembers.role })
        .from(roomMembers)
        .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, input.commanderId!)));
      if (!next) throw new AppError("validation_failed", "The new commander must be a member of the room", { errors: [{ path: "body.commanderId", message: "is not a member of this room" }] });
    }

    const names = await userNames(tx, [actor.userId, room.commanderId, ...(input.commanderId ? [input.commanderId] : [])]);
    const who = names.get(actor.userId) ?? "Someone";
    const timeline: Array<{ content: string; data: Record<string, unknown> }> = [];
    if (changed.includes("archived") && !input.archived) timeline.push({ content: `${who} reopened the room`, data: { event: "unarchived" } });
    if (changed.includes("status")) timeline.push({ content: `${who} changed the status from ${room.status} to ${input.status}`, data: { event: "status_changed", from: room.status, to: input.status } });
    if (changed.includes("severity")) timeline.push({ content: `${who} changed the severity from ${room.severity} to ${input.severity}`, data: { event: "severity_changed", from: room.severity, to: input.severity } });
    if (changed.includes("commanderId")) {
      timeline.push({
        content: `${who} handed command from ${names.get(room.commanderId) ?? "the previous commander"} to ${names.get(input.commanderId!) ?? "a member"}`,
        data: { event: "commander_changed", from: room.commanderId, to: input.commanderId },
      });
    }
    if (changed.includes("archived") && input.archived) timeline.push({ content: `${who} archived the room`, data: { event: "archived" } });

    const first = await takePositions(tx, roomId, timeline.length, timeline.length + 1);
    const [updated] = await tx
      .update(rooms)
      .set({
        title,
        description,
        severity: input.severity ?? room.severity,
        status: input.status ?? room.status,
        commanderId: input.commanderId ?? room.commanderId,
        archivedAt: changed.includes("archived") ? (input.archived ? sql`now()` : null) : room.archivedAt,
      })
      .where(eq(rooms.id, roomId))
      .returning();
    if (changed.includes("commanderId")) {
      // The previous commander stays in the room as a participant.
      await tx.update(roomMembers).set({ role: "participant", updatedAt: new Date() }).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, room.commanderId)));
      await tx.update(roomMembers).set({ role: "commander", updatedAt: new Date() }).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, input.commanderId!)));
    }
    const messages = await insertSystemMessages(tx, roomId, actor.userId, timeline, first);
    const roomPosition = first.position + timeline.length;
    await logChanges(tx, roomId, [{ position: roomPosition, kind: "room:updated", actorId: actor.userId, data: { changed } }]);
    if (changed.includes("status")) {
      await recordEvent(tx, {
        type: "room.status_changed",
        userId: null,
        data: { roomId, title, from: room.status, to: input.status, severity: updated!.severity, ...(changed.includes("severity") ? { severityFrom: room.severity } : {}), changedBy: actor.userId },
      });
    } else if (changed.includes("severity")) {
      // For the members' notifications only (webhooks subscribe to room.status_changed).
      await recordEvent(tx, {
        type: "room.severity_changed",
        userId: null,
        data: { roomId, title, from: room.severity, to: input.severity, status: updated!.status, changedBy: actor.userId },
      });
    }
    const view = toRoomView(updated!);
    const events: RoomEvent[] = [
      ...messages.map((message) => ({ type: "message:new" as const, roomId, position: message.changeSeq, message })),
      { type: "room:updated", roomId, position: roomPosition, room: view, changed },
    ];
    return { view, events };
  }));
  publishEvents(outcome.events);
  return outcome.view;
}
