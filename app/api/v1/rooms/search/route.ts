import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { searchQuery } from "@/lib/rooms/schemas";
import { searchMessages } from "@/lib/rooms/search";

export const dynamic = "force-dynamic";

/** Full-text search across every room the caller is a member of, newest first. */
export const GET = route({ auth: "user", scopes: ["rooms:read"], query: searchQuery }, async ({ input, actor }) => searchMessages(getDb(), actor, input.query));
