import { createHmac, timingSafeEqual } from "node:crypto";
import { getAuthSecret } from "@/lib/config/instance";
import { escapeHtml } from "@/lib/notifications/email";
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

/**
 * The small page the unsubscribe link opens: a question with a button
 * (`confirm`), then the answer (`done`). Plain HTML with no script, light or
 * dark as the reader's system is.
 */
export function unsubscribePage(input: { state: "confirm"; typeLabel: string; token: string } | { state: "done"; typeLabel: string }): Response {
  const label = escapeHtml(input.typeLabel);
  const content =
    input.state === "confirm"
      ? `<h1>Stop these emails?</h1><p>You get an email for each “${label}” notification. You will still see them in the hub.</p><form method="post" action="${escapeHtml(`/api/v1/notifications/unsubscribe?token=${encodeURIComponent(input.token)}`)}"><button type="submit">Unsubscribe</button></form>`
      : `<h1>Unsubscribed</h1><p>You will no longer get email for “${label}”. You can turn it back on in Settings → Notifications.</p>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>${input.state === "confirm" ? "Unsubscribe" : "Unsubscribed"} · Message Hub</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}h1{font-size:1.4rem}button{font:inherit;padding:.5rem 1rem;border-radius:.375rem;border:1px solid #0369a1;background:#0369a1;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #7dd3fc;outline-offset:2px}</style></head>
<body><main>${content}</main></body></html>`;
  return new Response(html, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } });
}
