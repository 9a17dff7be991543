import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { threadsQuerySchema } from "@/lib/messages/schemas";
import { listThreads } from "@/lib/messages/threads";

export const dynamic = "force-dynamic";

/** Conversations grouped by thread key or sender, most recent first, with unread counts. */
export const GET = route({ auth: "user", scopes: ["messages:read"], query: threadsQuerySchema }, async ({ input, actor }) => listThreads(getDb(), actor.userId, input.query));
