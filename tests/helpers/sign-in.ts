import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { call, type CallResult } from "@/tests/helpers/http";
import { rememberSecret } from "@/tests/helpers/logs";
import { HUB_ORIGIN, cookieFrom } from "@/tests/helpers/session";

type Handler = Parameters<typeof call>[0];
// The catch-all route types its params as {nextauth: string[]}; call() passes them as given.
const authGet = GET as unknown as Handler;
const authPost = POST as unknown as Handler;

// next-auth builds its URLs (and picks cookie names) from NEXTAUTH_URL; the server sets it at boot.
process.env.NEXTAUTH_URL = HUB_ORIGIN;

export type SignInAttempt = CallResult & {
  /** `next-auth.session-token=…` when the sign-in succeeded. */
  session?: string;
  /** The `error` next-auth redirects to on failure (invalid, totp_required, …). */
  error?: string | null;
};

/**
 * Signs in the way the sign-in page does: fetch a CSRF token from
 * /api/auth/csrf, then POST the form to /api/auth/callback/credentials with
 * json=true. Goes through the real auth route handler.
 */
export async function signIn(input: { email: string; password: string; totp?: string; ip?: string }): Promise<SignInAttempt> {
  const ip = input.ip ?? "198.51.100.1";
  const csrf = await call(authGet, { path: "/api/auth/csrf", params: { nextauth: ["csrf"] }, ip });
  const csrfCookie = cookieFrom(csrf.headers, "next-auth.csrf-token");
  if (csrf.status !== 200 || !csrfCookie) throw new Error(`no CSRF token: ${csrf.status} ${csrf.text}`);
  const form = new URLSearchParams({ csrfToken: csrf.body.csrfToken, email: input.email, password: rememberSecret("password", input.password), json: "true", callbackUrl: HUB_ORIGIN });
  if (input.totp) form.set("totp", input.totp);
  const result = await call(authPost, {
    method: "POST",
    path: "/api/auth/callback/credentials",
    params: { nextauth: ["callback", "credentials"] },
    rawBody: form.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, origin: HUB_ORIGIN, "user-agent": "vitest sign-in" },
    ip,
  });
  const session = cookieFrom(result.headers, "next-auth.session-token");
  if (session) rememberSecret("secret", session.split("=")[1]!);
  const url = typeof result.body === "object" && result.body && "url" in result.body ? String(result.body.url) : undefined;
  return { ...result, session, error: url ? new URL(url).searchParams.get("error") : undefined };
}

/** Reads /api/auth/session with a session cookie. */
export async function readSession(session: string): Promise<any> {
  const res = await call(authGet, { path: "/api/auth/session", params: { nextauth: ["session"] }, headers: { cookie: session } });
  return res.body;
}
