import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { updateProfile } from "@/lib/users/profile";
import { toPublicUser, updateProfileSchema } from "@/lib/users/schemas";
import { findActiveUser } from "@/lib/users/users";

export const dynamic = "force-dynamic";

/** Who the caller is, and how they authenticated. */
export const GET = route({ auth: "user" }, async ({ actor }) => {
  const user = await findActiveUser(getDb(), actor.userId);
  if (!user) throw new AppError("not_found", "User not found");
  return { user: toPublicUser(user), auth: { via: actor.via, scopes: actor.scopes, apiKeyId: actor.apiKeyId ?? null, deviceId: actor.deviceId ?? null } };
});

/** Changes the caller's name or time zone. A phone's key (it sits in a forwarder app) may not. */
export const PATCH = route({ auth: "user", body: updateProfileSchema, refuseDeviceKeys: true }, async ({ input, actor }) => ({
  user: await updateProfile(getDb(), actor.userId, input.body),
}));
