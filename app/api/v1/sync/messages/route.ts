import { getDb } from "@/lib/db/client";
import { rawJson, route } from "@/lib/http/route";
import { syncQuerySchema } from "@/lib/messages/schemas";
import { syncMessagesJson } from "@/lib/messages/sync";

export const dynamic = "force-dynamic";

/** Every change after `since`, in order, tombstones included; page until hasMore is false. */
export const GET = route({ auth: "user", scopes: ["messages:read"], query: syncQuerySchema }, async ({ input, actor }) =>
  rawJson(await syncMessagesJson(getDb(), actor.userId, input.query)),
);
