import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { acceptInvite } from "@/lib/users/invites";
import { acceptInviteSchema, inviteTokenParams } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

/** Accepts an invite: creates the account with the invited email and role. The link works once. */
export const POST = route({ auth: "public", rateLimit: "auth", params: inviteTokenParams, body: acceptInviteSchema }, async ({ input }) =>
  created({ user: await acceptInvite(getDb(), input.params.token, input.body) }),
);
