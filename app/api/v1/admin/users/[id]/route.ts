import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { disconnectUser } from "@/lib/realtime/disconnect";
import { getUserForAdmin, updateUserByAdmin } from "@/lib/users/admin";
import { adminUpdateUserSchema } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "admin", params: idParams }, async ({ input }) => ({ user: await getUserForAdmin(getDb(), input.params.id) }));

/**
 * Changes a user's role, or deactivates (`active: false`) / reactivates them.
 * Deactivation ends their sessions, stops their keys and closes their open
 * sockets at once. The last active admin cannot be demoted or deactivated (409).
 */
export const PATCH = route({ auth: "admin", params: idParams, body: adminUpdateUserSchema }, async ({ input, actor }) => {
  const { user, deactivated } = await updateUserByAdmin(getDb(), actor.userId, input.params.id, input.body);
  if (deactivated) disconnectUser(user.id);
  return { user };
});
