import { cache } from "react";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import type { Role } from "@/lib/auth/actor";
import { sessionFromCookies } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { countUsers, findActiveUser } from "@/lib/users/users";
import { noteActivity } from "@/lib/analytics/activity";

/**
 * Who is looking at a page, for server components. The same checks as an API
 * request with a session cookie: the cookie must decode, the user must be
 * active, and the session version must match, so a deactivated user or a
 * "sign out everywhere" ends page access at once too.
 */
export type PageUser = { id: string; email: string; name: string; role: Role; timezone: string };

/**
 * Layouts and pages render concurrently, so each one that shows data checks
 * the session itself; cache() makes that one lookup per request.
 */
export const currentUser = cache(async (): Promise<PageUser | null> => {
  const jar = await cookies();
  const header = jar
    .getAll()
    .map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`)
    .join("; ");
  const claims = await sessionFromCookies(header);
  if (!claims) return null;
  const user = await findActiveUser(getDb(), claims.sub);
  if (!user || user.sessionVersion !== claims.sv) return null;
  noteActivity(user.id);
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role, timezone: user.timezone };
});

/** The signed-in user, or a redirect: to first-run setup while nobody exists, else to sign-in. */
export async function requireUser(): Promise<PageUser> {
  const user = await currentUser();
  if (user) return user;
  redirect((await countUsers(getDb())) === 0 ? "/setup" : "/sign-in");
}

/** Admin pages do not exist for members: a 404, the same answer the API gives. */
export async function requireAdmin(): Promise<PageUser> {
  const user = await requireUser();
  if (user.role !== "admin") notFound();
  return user;
}

/** Where to go after sign-in: a path on this site, never another origin ("//evil.example"). */
export function safeNextPath(value: string | string[] | undefined, fallback = "/inbox"): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (!path || !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  if (path.startsWith("/sign-in") || path.startsWith("/setup") || path.startsWith("/api/")) return fallback;
  return path;
}
