import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { findMembership } from "@/lib/rooms/access";
import { listMembers } from "@/lib/rooms/people";
import { roomParams } from "@/lib/rooms/schemas";
import { typingUsers } from "@/lib/rooms/typing";

export const dynamic = "force-dynamic";

/** Members typing right now (an entry lasts 3 s after the last keystroke event). */
export const GET = route({ auth: "user", scopes: ["rooms:read"], params: roomParams }, async ({ input, actor }) => {
  await findMembership(getDb(), input.params.id, actor.userId);
  const [typing, members] = await Promise.all([typingUsers(input.params.id), listMembers(getDb(), input.params.id)]);
  const names = new Map(members.map((member) => [member.userId, member.name]));
  return {
    data: typing.flatMap((entry) => (names.has(entry.userId) ? [{ userId: entry.userId, name: names.get(entry.userId)!, expiresAt: new Date(entry.expiresAt).toISOString() }] : [])),
  };
});
