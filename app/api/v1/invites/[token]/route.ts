import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { findInviteByToken } from "@/lib/users/invites";
import { inviteTokenParams } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

/** What an invite link is for (email, role, expiry). 404 unknown or revoked; 410 used or expired. */
export const GET = route({ auth: "public", rateLimit: "auth", params: inviteTokenParams }, async ({ input }) => ({
  invite: await findInviteByToken(getDb(), input.params.token),
}));
