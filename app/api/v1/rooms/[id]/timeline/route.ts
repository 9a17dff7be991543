import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listTimeline } from "@/lib/rooms/list-messages";
import { roomParams, timelineQuery } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** The incident's key events (opened, status, severity, command, archiving) and pinned messages, by seq. */
export const GET = route({ auth: "user", scopes: ["rooms:read"], params: roomParams, query: timelineQuery }, async ({ input, actor }) =>
  listTimeline(getDb(), actor, input.params.id, input.query),
);
