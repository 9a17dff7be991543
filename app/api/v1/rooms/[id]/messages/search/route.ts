import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { roomParams, searchQuery } from "@/lib/rooms/schemas";
import { searchMessages } from "@/lib/rooms/search";

export const dynamic = "force-dynamic";

/** Full-text search within one room, newest first. */
export const GET = route({ auth: "user", scopes: ["rooms:read"], params: roomParams, query: searchQuery }, async ({ input, actor }) =>
  searchMessages(getDb(), actor, input.query, input.params.id),
);
