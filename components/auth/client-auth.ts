/**
 * Sign-in and sign-out from the browser, speaking next-auth's own protocol
 * (CSRF token, then a form POST to its credentials callback with json=true).
 *
 * This stands in for next-auth/react's signIn/signOut on purpose: when an
 * account or IP is locked out the hub answers the callback with a 429
 * problem+json before next-auth runs, and next-auth/react's signIn cannot
 * read that (it expects {url} and throws), so the Retry-After would be lost.
 * It also keeps next-auth/react's session machinery out of the bundle.
 */
export type SignInFailure = "invalid" | "deactivated" | "totp_required" | "totp_invalid" | "rate_limited" | "network" | "unknown";
export type SignInOutcome = { ok: true } | { ok: false; reason: SignInFailure; retryAfterSeconds?: number; detail?: string };

const KNOWN: SignInFailure[] = ["invalid", "deactivated", "totp_required", "totp_invalid"];

async function csrfToken(): Promise<string> {
  const res = await fetch("/api/auth/csrf", { credentials: "same-origin", cache: "no-store" });
  const body = (await res.json()) as { csrfToken: string };
  return body.csrfToken;
}

export async function signInWithCredentials(input: { email: string; password: string; totp?: string }): Promise<SignInOutcome> {
  let res: Response;
  try {
    const form = new URLSearchParams({ csrfToken: await csrfToken(), email: input.email, password: input.password, totp: input.totp ?? "", json: "true" });
    res = await fetch("/api/auth/callback/credentials", { method: "POST", body: form, credentials: "same-origin", headers: { "content-type": "application/x-www-form-urlencoded" } });
  } catch {
    return { ok: false, reason: "network" };
  }
  if (res.status === 429) {
    const seconds = Number(res.headers.get("retry-after"));
    return { ok: false, reason: "rate_limited", retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 60 };
  }
  // A refused sign-in is a 401 that still carries {url: …?error=<reason>}.
  const body = (await res.json().catch(() => ({}))) as { url?: string; detail?: string };
  if (!body.url) return { ok: false, reason: "unknown", detail: body.detail };
  const error = new URL(body.url, window.location.origin).searchParams.get("error");
  if (!error) return { ok: true };
  if ((KNOWN as string[]).includes(error)) return { ok: false, reason: error as SignInFailure };
  // A lockout that began during this very attempt arrives as next-auth's error text.
  const wait = error.match(/try again in (\d+) s/i);
  if (wait) return { ok: false, reason: "rate_limited", retryAfterSeconds: Number(wait[1]) };
  // next-auth's own code for credentials it could not even check (an email that is not one).
  if (error === "CredentialsSignin") return { ok: false, reason: "invalid" };
  return { ok: false, reason: "unknown", detail: error };
}

export async function signOut(): Promise<void> {
  const form = new URLSearchParams({ csrfToken: await csrfToken(), json: "true" });
  await fetch("/api/auth/signout", { method: "POST", body: form, credentials: "same-origin", headers: { "content-type": "application/x-www-form-urlencoded" } });
}

export const SIGN_IN_MESSAGES: Record<Exclude<SignInFailure, "rate_limited">, string> = {
  invalid: "That email and password do not match an account.",
  deactivated: "This account has been deactivated. Ask an administrator to reactivate it.",
  totp_required: "Enter the 6-digit code from your authenticator app.",
  totp_invalid: "That code is not right. Codes change every 30 seconds; try the current one.",
  network: "Could not reach the hub. Check your connection and try again.",
  unknown: "Sign-in failed for an unexpected reason. Try again.",
};

/** "14 min 5 s", "45 s", "2 h 3 min". */
export function formatWait(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (hours > 0) return `${hours} h${minutes ? ` ${minutes} min` : ""}`;
  if (minutes > 0) return `${minutes} min${seconds ? ` ${seconds} s` : ""}`;
  return `${seconds} s`;
}
