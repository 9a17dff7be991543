import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { markRead } from "@/lib/rooms/mark-read";
import { markReadSchema, roomParams } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** Moves the caller's read mark forward to `{seq}`; unread counts start above it. */
export const PUT = route({ auth: "user", scopes: ["rooms:read"], params: roomParams, body: markReadSchema }, async ({ input, actor }) => markRead(getDb(), actor, input.params.id, input.body.seq));
