import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getRoom } from "@/lib/rooms/list-rooms";
import { roomParams, updateRoomSchema } from "@/lib/rooms/schemas";
import { updateRoom } from "@/lib/rooms/update-room";

export const dynamic = "force-dynamic";

/** The room with its members, as the caller sees it. Non-members get a 404. */
export const GET = route({ auth: "user", scopes: ["rooms:read"], params: roomParams }, async ({ input, actor }) => ({ room: await getRoom(getDb(), actor, input.params.id) }));

/** Title, description, severity, status, commanderId or archived; status, severity and command changes go to the timeline. */
export const PATCH = route({ auth: "user", scopes: ["rooms:write"], params: roomParams, body: updateRoomSchema }, async ({ input, actor }) => {
  await updateRoom(getDb(), actor, input.params.id, input.body);
  return { room: await getRoom(getDb(), actor, input.params.id) };
});
