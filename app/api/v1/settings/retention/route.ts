import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getRetention, putRetention } from "@/lib/messages/retention";
import { putRetentionSchema } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** "Delete messages older than N days": the user's rule and per-device overrides. */
export const GET = route({ auth: "user", scopes: ["messages:read"] }, async ({ actor }) => getRetention(getDb(), actor.userId));

/** Sets or clears (null) the user's rule and any device rules. The retention job applies them. Not with a device's key. */
export const PUT = route({ auth: "user", scopes: ["messages:write"], refuseDeviceKeys: true, body: putRetentionSchema }, async ({ input, actor }) => putRetention(getDb(), actor.userId, input.body));
