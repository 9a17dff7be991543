import { getDb } from "@/lib/db/client";
import { created, noContent, route } from "@/lib/http/route";
import { addMember, removeMember } from "@/lib/rooms/members";
import { addMemberSchema, removeMemberQuery, roomParams } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** Adds a member `{userId | email, role?}` (201), or changes an existing member's role (200). */
export const POST = route({ auth: "user", scopes: ["rooms:write"], params: roomParams, body: addMemberSchema }, async ({ input, actor }) => {
  const { member, created: added } = await addMember(getDb(), actor, input.params.id, input.body);
  return added ? created({ member }) : { member };
});

/** Removes `?userId=` from the room; anyone may remove themselves (leave). */
export const DELETE = route({ auth: "user", scopes: ["rooms:write"], params: roomParams, query: removeMemberQuery }, async ({ input, actor }) => {
  await removeMember(getDb(), actor, input.params.id, input.query.userId);
  return noContent();
});
