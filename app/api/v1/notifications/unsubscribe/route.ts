import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { updatePreferences } from "@/lib/notifications/preferences";
import { unsubscribeQuerySchema } from "@/lib/notifications/schemas";
import { verifyUnsubscribeToken } from "@/lib/notifications/unsubscribe";

export const dynamic = "force-dynamic";

/**
 * The link at the foot of every notification email: turns email off for that
 * one type. Public (a mail client opens it without a session); the signed
 * token names the user and the type, and only those.
 */
export const GET = route({ auth: "public", rateLimit: "auth", query: unsubscribeQuerySchema }, async ({ input }) => {
  const target = verifyUnsubscribeToken(input.query.token);
  if (!target) throw new AppError("not_found", "This unsubscribe link is not valid");
  await updatePreferences(getDb(), target.userId, { [target.type]: { email: false } });
  return new Response(`<!doctype html><html><body style="font-family:system-ui,sans-serif"><p>You will no longer get email for this kind of notification. You can change this in Settings → Notifications.</p></body></html>`, {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
});
