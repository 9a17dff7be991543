import { createHmac, timingSafeEqual } from "node:crypto";
import { getAuthSecret } from "@/lib/config/instance";
import { NOTIFICATION_TYPES, type NotificationType } from "@/lib/notifications/types";

/**
 * The token in an email's unsubscribe link: `<userId>.<type>.<hmac>`, signed
 * with the hub's session secret, so the link works without signing in (mail
 * clients open it) and cannot be forged for another user or type.
 */
function sign(userId: string, type: string): string {
  return createHmac("sha256", getAuthSecret()).update(`unsubscribe:${userId}:${type}`).digest("base64url");
}

export function unsubscribeToken(userId: string, type: NotificationType): string {
  return `${userId}.${type}.${sign(userId, type)}`;
}

export function verifyUnsubscribeToken(token: string): { userId: string; type: NotificationType } | null {
  const parts = token.split(".");
  // The type itself holds one dot (task.assigned): userId . type-part-1 . type-part-2 . signature.
  if (parts.length !== 4) return null;
  const [userId, a, b, signature] = parts as [string, string, string, string];
  const type = `${a}.${b}`;
  if (!(NOTIFICATION_TYPES as readonly string[]).includes(type)) return null;
  const expected = Buffer.from(sign(userId, type));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { userId, type: type as NotificationType };
}
