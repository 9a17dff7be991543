import { getConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { publicBaseUrl } from "@/lib/http/origin";
import { created, route } from "@/lib/http/route";
import { createInvite, listInvites } from "@/lib/users/invites";
import { createInviteSchema, invitePageQuerySchema } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

/** Invites, newest first; filter by `status` (pending, accepted, revoked, expired). */
export const GET = route({ auth: "admin", query: invitePageQuerySchema }, async ({ input }) => listInvites(getDb(), input.query));

/**
 * Invites an email with a role. Returns the single-use link (and its token)
 * once; it expires after INVITE_TTL_HOURS. A pending invite for the same
 * email is revoked.
 */
export const POST = route({ auth: "admin", body: createInviteSchema }, async ({ input, actor, req }) => {
  const result = await createInvite(getDb(), actor.userId, input.body, { ttlHours: getConfig().INVITE_TTL_HOURS, baseUrl: publicBaseUrl(req) });
  return created(result);
});
