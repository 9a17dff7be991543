import { decode, encode } from "next-auth/jwt";
import { getAuthSecret } from "@/lib/config/instance";

/**
 * next-auth keeps the session in a signed, encrypted JWT cookie. Its name
 * depends on whether the site is served over HTTPS.
 */
export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

/** How long a session lasts without being refreshed, in seconds. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export type SessionClaims = {
  /** The user id. */
  sub: string;
  /** The user's session version when the session was made; a bump ends it. */
  sv: number;
};

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/** Reads the session claims from a Cookie header, or null when there is no valid session cookie. */
export async function sessionFromCookies(cookieHeader: string | null): Promise<SessionClaims | null> {
  for (const name of SESSION_COOKIES) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    try {
      const claims = await decode({ token, secret: getAuthSecret() });
      if (claims && typeof claims.sub === "string" && typeof claims.sv === "number") return { sub: claims.sub, sv: claims.sv };
    } catch {
      // A tampered or stale cookie is simply no session.
    }
  }
  return null;
}

/**
 * A Set-Cookie header that re-issues the caller's own session with a new
 * session version, so a password change ends every other session but keeps
 * this one. Null when the request carries no valid session cookie.
 */
export async function reissuedSessionCookie(cookieHeader: string | null, sessionVersion: number): Promise<string | null> {
  for (const name of SESSION_COOKIES) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    const claims = await decode({ token, secret: getAuthSecret() }).catch(() => null);
    if (!claims || typeof claims.sub !== "string") continue;
    const { iat: _iat, exp: _exp, jti: _jti, ...kept } = claims as Record<string, unknown>;
    const value = await encode({ token: { ...kept, sub: claims.sub, sv: sessionVersion }, secret: getAuthSecret(), maxAge: SESSION_MAX_AGE_SECONDS });
    return serializeSessionCookie(name, value, SESSION_MAX_AGE_SECONDS);
  }
  return null;
}

/** Set-Cookie headers that remove both possible session cookies (sign out everywhere, here included). */
export function clearedSessionCookies(): string[] {
  return SESSION_COOKIES.map((name) => serializeSessionCookie(name, "", 0));
}

function serializeSessionCookie(name: string, value: string, maxAge: number): string {
  const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`, `Expires=${new Date(Date.now() + maxAge * 1000).toUTCString()}`];
  // The __Secure- prefix is only accepted by browsers on a Secure cookie (HTTPS).
  if (name.startsWith("__Secure-")) parts.push("Secure");
  return parts.join("; ");
}
