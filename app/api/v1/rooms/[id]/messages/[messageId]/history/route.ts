import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { messageHistory } from "@/lib/rooms/edit-message";
import { messageParams } from "@/lib/rooms/schemas";

export const dynamic = "force-dynamic";

/** The versions an edit replaced, oldest first. */
export const GET = route({ auth: "user", scopes: ["rooms:read"], params: messageParams }, async ({ input, actor }) => ({
  data: await messageHistory(getDb(), actor, input.params.id, input.params.messageId),
}));
