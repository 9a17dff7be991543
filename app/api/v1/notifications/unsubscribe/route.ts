import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { updatePreferences } from "@/lib/notifications/preferences";
import { unsubscribeQuerySchema } from "@/lib/notifications/schemas";
import { NOTIFICATION_TYPE_LABELS } from "@/lib/notifications/types";
import { unsubscribePage, verifyUnsubscribeToken } from "@/lib/notifications/unsubscribe";

export const dynamic = "force-dynamic";

/**
 * The link at the foot of every notification email. Public (a mail client
 * opens it without a session); the signed token names the user and the type,
 * and only those. Opening it changes nothing: mail scanners and link
 * previews fetch links too. It shows a button that posts back here.
 */
export const GET = route({ auth: "public", rateLimit: "auth", query: unsubscribeQuerySchema }, async ({ input }) => {
  const target = verifyUnsubscribeToken(input.query.token);
  if (!target) throw new AppError("not_found", "This unsubscribe link is not valid");
  return unsubscribePage({ state: "confirm", typeLabel: NOTIFICATION_TYPE_LABELS[target.type], token: input.query.token });
});

/**
 * Turns email off for the token's type: the page's button, and mail clients'
 * one-click unsubscribe (RFC 8058: a POST of `List-Unsubscribe=One-Click` to
 * the List-Unsubscribe address, whose body says nothing more than that).
 */
export const POST = route({ auth: "public", rateLimit: "auth", query: unsubscribeQuerySchema }, async ({ input }) => {
  const target = verifyUnsubscribeToken(input.query.token);
  if (!target) throw new AppError("not_found", "This unsubscribe link is not valid");
  await updatePreferences(getDb(), target.userId, { [target.type]: { email: false } });
  return unsubscribePage({ state: "done", typeLabel: NOTIFICATION_TYPE_LABELS[target.type] });
});
