import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { markUnreadBulk } from "@/lib/messages/change";
import { bulkReadSchema } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** Marks messages unread in bulk: {ids} (up to 500) or {filter} (every match). Returns how many changed. */
export const POST = route({ auth: "user", scopes: ["messages:write"], body: bulkReadSchema }, async ({ input, actor }) => markUnreadBulk(getDb(), actor.userId, input.body));
