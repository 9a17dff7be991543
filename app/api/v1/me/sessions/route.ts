import { clearedSessionCookies } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { disconnectUserSockets } from "@/lib/realtime/disconnect";
import { revokeSessions } from "@/lib/users/profile";

export const dynamic = "force-dynamic";

/** Signs out everywhere: every browser session ends, this one included. API keys keep working. */
export const DELETE = route({ auth: "user", sessionOnly: true }, async ({ actor }) => {
  await revokeSessions(getDb(), actor.userId);
  await disconnectUserSockets(actor.userId, { via: "session" });
  const response = noContent();
  for (const cookie of clearedSessionCookies()) response.headers.append("set-cookie", cookie);
  return response;
});
