import { reissuedSessionCookie } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { disconnectUserSockets } from "@/lib/realtime/disconnect";
import { changePassword } from "@/lib/users/profile";
import { changePasswordSchema } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

/**
 * Changes the password. Every other session ends (the session version
 * moves on); this browser gets a re-issued cookie and stays signed in.
 */
export const POST = route({ auth: "user", sessionOnly: true, rateLimit: "auth", body: changePasswordSchema }, async ({ input, actor, req }) => {
  const { sessionVersion } = await changePassword(getDb(), actor.userId, input.body);
  await disconnectUserSockets(actor.userId, { via: "session" });
  const response = noContent();
  const cookie = await reissuedSessionCookie(req.headers.get("cookie"), sessionVersion);
  if (cookie) response.headers.append("set-cookie", cookie);
  return response;
});
