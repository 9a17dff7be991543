import { rotateApiKey } from "@/lib/auth/api-keys";
import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { disconnectUserSockets } from "@/lib/realtime/disconnect";

export const dynamic = "force-dynamic";

/** Replaces a key: the old secret stops working (its sockets close), the new one is shown once. */
export const POST = route({ auth: "user", params: idParams }, async ({ input, actor }) => {
  const { apiKey, key, replaced } = await rotateApiKey(getDb(), actor.userId, input.params.id);
  await disconnectUserSockets(actor.userId, { apiKeyId: replaced.id });
  return created({ apiKey, key, replaced });
});
