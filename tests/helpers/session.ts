import { encode } from "next-auth/jwt";
import { getAuthSecret } from "@/lib/config/instance";
import { rememberSecret } from "@/tests/helpers/logs";

/** The origin tests/helpers/http.ts sends requests to. */
export const HUB_ORIGIN = "http://hub.test";

/** A next-auth session cookie for a user, as signing in would set it. */
export async function sessionCookie(user: { id: string; sessionVersion: number }): Promise<string> {
  const token = await encode({ token: { sub: user.id, sv: user.sessionVersion }, secret: getAuthSecret() });
  return `next-auth.session-token=${rememberSecret("secret", token)}`;
}

/** Headers of a same-origin browser request with the user's session. */
export async function browserHeaders(user: { id: string; sessionVersion: number }, origin: string | null = HUB_ORIGIN): Promise<Record<string, string>> {
  return { cookie: await sessionCookie(user), ...(origin ? { origin } : {}) };
}

/** The `name=value` part of a Set-Cookie header for a cookie, if the response sets it. */
export function cookieFrom(headers: Headers, name: string): string | undefined {
  const line = headers.getSetCookie().find((value) => value.startsWith(`${name}=`));
  return line?.split(";")[0];
}
