import { revokeApiKey } from "@/lib/auth/api-keys";
import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { disconnectUserSockets } from "@/lib/realtime/disconnect";

export const dynamic = "force-dynamic";

/** Revokes a key at once, and closes sockets opened with it. Another user's key is a 404. */
export const DELETE = route({ auth: "user", params: idParams }, async ({ input, actor }) => {
  const apiKey = await revokeApiKey(getDb(), actor.userId, input.params.id);
  await disconnectUserSockets(actor.userId, { apiKeyId: apiKey.id });
  return { apiKey };
});
