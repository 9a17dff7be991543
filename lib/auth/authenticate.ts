import type { Actor, Role } from "@/lib/auth/actor";
import { touchApiKey, verifyApiKey } from "@/lib/auth/api-keys";
import { sessionFromCookies } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { metrics } from "@/lib/metrics/metrics";
import { findActiveUser } from "@/lib/users/users";

/**
 * Resolves the caller of a request from its credentials:
 * 1. an API key (`Authorization: Bearer mh_…`, or `?key=` where the route allows it);
 * 2. the next-auth session cookie.
 * Every path re-reads the user (for a key, in the same query as the key), so
 * a deactivated user or a revoked key stops working on the next request.
 */
export async function authenticate(req: Request, options: { allowQueryKey: boolean }): Promise<Actor | null> {
  const db = getDb();
  const key = presentedKey(req, options.allowQueryKey);
  if (key) {
    const verified = await verifyApiKey(db, key);
    if (!verified) return refused("api_key", "invalid");
    if (!verified.owner.active) return refused("api_key", "inactive_user");
    await touchApiKey(db, verified);
    const role = verified.owner.role as Role;
    return {
      userId: verified.userId,
      role,
      via: "apiKey",
      // A key keeps the admin scope only while its owner is an admin: a demoted
      // user's old key does not carry admin rights (or act as every scope).
      scopes: role === "admin" ? verified.scopes : verified.scopes.filter((scope) => scope !== "admin"),
      apiKeyId: verified.id,
      ...(verified.deviceId ? { deviceId: verified.deviceId } : {}),
    };
  }

  const claims = await sessionFromCookies(req.headers.get("cookie"));
  if (!claims) return null;
  const user = await findActiveUser(db, claims.sub);
  if (!user) return refused("session", "inactive_user");
  if (user.sessionVersion !== claims.sv) return refused("session", "revoked");
  return {
    userId: user.id,
    role: user.role as Role,
    via: "session",
    scopes: ["messages:read", "messages:write", "devices:write", "rooms:read", "rooms:write", "tasks:read", "tasks:write", ...(user.role === "admin" ? (["admin"] as const) : [])],
  };
}

/** Credentials were presented and are no good: counted, then treated as anonymous. */
function refused(method: "api_key" | "session", reason: string): null {
  metrics().authFailures.inc({ method, reason });
  return null;
}

function presentedKey(req: Request, allowQueryKey: boolean): string | undefined {
  const header = req.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(mh_\S+)$/i);
  if (match) return match[1];
  if (allowQueryKey) {
    const fromQuery = new URL(req.url).searchParams.get("key");
    if (fromQuery?.startsWith("mh_")) return fromQuery;
  }
  return undefined;
}

/** The same resolution for a Socket.IO handshake: `auth.token`, or the session cookie. */
export async function authenticateHandshake(handshake: { auth: Record<string, unknown>; headers: Record<string, string | string[] | undefined> }): Promise<Actor | null> {
  const headers = new Headers();
  const token = handshake.auth.token;
  if (typeof token === "string" && token) headers.set("authorization", `Bearer ${token}`);
  const cookie = handshake.headers.cookie;
  if (typeof cookie === "string") headers.set("cookie", cookie);
  return authenticate(new Request("http://socket.invalid/", { headers }), { allowQueryKey: false });
}
