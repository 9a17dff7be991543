import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { revokeInvite } from "@/lib/users/invites";

export const dynamic = "force-dynamic";

/** Revokes a pending invite; its link stops working. */
export const DELETE = route({ auth: "admin", params: idParams }, async ({ input, actor }) => ({ invite: await revokeInvite(getDb(), actor.userId, input.params.id) }));
