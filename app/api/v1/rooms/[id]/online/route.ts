import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { findMembership } from "@/lib/rooms/access";
import { listMembers } from "@/lib/rooms/people";
import { onlineUsers } from "@/lib/rooms/presence";
import { roomParams } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** Members with at least one socket in the room, on any instance, with their connection counts. */
export const GET = route({ auth: "user", scopes: ["rooms:read"], params: roomParams }, async ({ input, actor }) => {
  await findMembership(getDb(), input.params.id, actor.userId);
  const [online, members] = await Promise.all([onlineUsers(input.params.id), listMembers(getDb(), input.params.id)]);
  const byId = new Map(members.map((member) => [member.userId, member]));
  // A socket of someone removed a moment ago may linger until it disconnects; only members are shown.
  return {
    data: online.flatMap((user) => {
      const member = byId.get(user.userId);
      return member ? [{ userId: user.userId, name: member.name, role: member.role, connections: user.connections }] : [];
    }),
  };
});
