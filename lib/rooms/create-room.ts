import { and, inArray, isNull } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { roomMembers, rooms } from "@/lib/db/schema/rooms";
import { users } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import { insertSystemMessages } from "@/lib/rooms/changes";
import { listMembers } from "@/lib/rooms/people";
import type { createRoomSchema, RoomDetail } from "@/lib/rooms/schemas";
import { stripControl } from "@/lib/rooms/text";
import { toRoomView } from "@/lib/rooms/views";

/**
 * Opens an incident room. The creator is its commander; the members given
 * join with their roles. The room's first message (seq 1, position 1) is the
 * timeline entry that says who opened it and how.
 */
export async function createRoom(db: Database, actor: Actor, input: z.output<typeof createRoomSchema>): Promise<RoomDetail> {
  const invited = new Map<string, (typeof input.members)[number]["role"]>();
  for (const member of input.members) if (member.userId !== actor.userId) invited.set(member.userId, member.role);

  return db.transaction(async (tx) => {
    const ids = [actor.userId, ...invited.keys()];
    const found = await tx
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(inArray(users.id, ids), isNull(users.deactivatedAt)));
    const names = new Map(found.map((row) => [row.id, row.name]));
    const unknown = input.members.flatMap((member, index) => (member.userId !== actor.userId && !names.has(member.userId) ? [index] : []));
    if (unknown.length > 0) {
      throw new AppError("validation_failed", "Some members are not users of this hub", {
        errors: unknown.map((index) => ({ path: `body.members.${index}.userId`, message: "is not an active user" })),
      });
    }

    const title = stripControl(input.title);
    const [room] = await tx
      .insert(rooms)
      .values({
        id: newId("room"),
        title,
        description: stripControl(input.description),
        severity: input.severity,
        status: input.status,
        commanderId: actor.userId,
        createdBy: actor.userId,
        lastSeq: 1,
        lastPosition: 1,
      })
      .returning();
    await tx.insert(roomMembers).values([
      // The creator has seen the opening entry; invited members start with it unread.
      { roomId: room!.id, userId: actor.userId, role: "commander" as const, lastReadSeq: 1 },
      ...[...invited].map(([userId, role]) => ({ roomId: room!.id, userId, role })),
    ]);
    const actorName = names.get(actor.userId) ?? "Someone";
    await insertSystemMessages(
      tx,
      room!.id,
      actor.userId,
      [
        {
          content: `${actorName} opened the incident "${title}" (${input.severity}, ${input.status})`,
          data: {
            event: "room_created",
            title,
            severity: input.severity,
            status: input.status,
            members: [{ userId: actor.userId, role: "commander" }, ...[...invited].map(([userId, role]) => ({ userId, role }))],
          },
        },
      ],
      { seq: 1, position: 1 },
    );
    return { ...toRoomView(room!), role: "commander", lastReadSeq: 1, unreadCount: 0, members: await listMembers(tx, room!.id) };
  });
}
