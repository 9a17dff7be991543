import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { createRoom } from "@/lib/rooms/create-room";
import { listRooms } from "@/lib/rooms/list-rooms";
import { createRoomSchema, listRoomsQuery } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** The caller's rooms with unread counts; `?archived=true|false|all`, `?status=`. */
export const GET = route({ auth: "user", scopes: ["rooms:read"], query: listRoomsQuery }, async ({ input, actor }) => listRooms(getDb(), actor, input.query));

/** Opens an incident room; the caller becomes its commander. */
export const POST = route({ auth: "user", scopes: ["rooms:write"], body: createRoomSchema }, async ({ input, actor }) => created({ room: await createRoom(getDb(), actor, input.body) }));
