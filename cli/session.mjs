import { ApiClient, describeNetworkError, unreachable } from "./api.mjs";
import { CliError } from "./errors.mjs";

/**
 * A password sign-in to the hub, used only by `login --email` to mint an
 * API key. It speaks next-auth's own protocol, the one the web app's sign-in
 * form speaks (components/auth/client-auth.ts): a CSRF token from
 * /api/auth/csrf (its cookie comes back with the form), then a form POST to
 * /api/auth/callback/credentials with json=true, which answers with the
 * session cookie. So the server's one credential check applies unchanged:
 * the same password and two-factor check, the same per-account and per-IP
 * back-off and the same rate limit (a 429 with Retry-After before next-auth
 * runs), the same audit entries.
 *
 * The session lives only in this object's cookie jar, for the few requests
 * that create the key; `signOut` ends it. Nothing here is written to disk,
 * and --debug lines name only the method, path and status: never the form.
 */

/** @typedef {"invalid" | "deactivated" | "totp_required" | "totp_invalid" | "rate_limited" | "locked_out" | "unknown"} SignInFailure */
/** @typedef {{ ok: true } | { ok: false, reason: SignInFailure, retryAfterSeconds?: number, detail?: string }} SignInOutcome */

/** The refusals the hub's authorize step reports by name (lib/auth/sign-in.ts). */
const KNOWN = ["invalid", "deactivated", "totp_required", "totp_invalid"];

const USER_AGENT = `message-hub-cli (node ${process.versions.node})`;

export class HubSession {
  /**
   * @param {{ server: string, debug?: (line: string) => void }} options
   */
  constructor(options) {
    this.server = options.server.replace(/\/+$/, "");
    this.origin = new URL(this.server).origin;
    this.debug = options.debug;
    /** @type {Map<string, string>} name → value, as the server set them */
    this.cookies = new Map();
    /** @type {string | undefined} */
    this.csrf = undefined;
  }

  /** The Cookie header for the jar's cookies. */
  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Whether next-auth has set a session cookie (named …session-token, possibly in chunks). */
  hasSession() {
    return [...this.cookies.keys()].some((name) => /(^|\.)session-token(\.\d+)?$/.test(name));
  }

  /**
   * One request to next-auth's endpoints, keeping the cookies it sets.
   * @param {"GET" | "POST"} method
   * @param {string} path
   * @param {URLSearchParams} [form]
   */
  async send(method, path, form) {
    const url = `${this.server}${path}`;
    /** @type {Record<string, string>} */
    const headers = { accept: "application/json", "user-agent": USER_AGENT, origin: this.origin };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const started = Date.now();
    let response;
    try {
      response = await fetch(url, { method, headers, body: form?.toString(), redirect: "manual", signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      this.debug?.(`${method} ${path} failed after ${Date.now() - started} ms: ${describeNetworkError(error)}`);
      throw unreachable(this.server, error, 30_000);
    }
    const requestId = response.headers.get("x-request-id");
    this.debug?.(`${method} ${path} → ${response.status} in ${Date.now() - started} ms${requestId ? ` (request ${requestId})` : ""}`);
    for (const line of response.headers.getSetCookie()) this.keepCookie(line);
    return response;
  }

  /** @param {string} line a Set-Cookie header */
  keepCookie(line) {
    const [pair = "", ...attributes] = line.split(";");
    const index = pair.indexOf("=");
    if (index <= 0) return;
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key = "", val = ""] = attribute.split("=").map((part) => part.trim());
      if (key.toLowerCase() === "max-age") return Number(val) <= 0;
      if (key.toLowerCase() === "expires") return Date.parse(val) <= Date.now();
      return false;
    });
    if (expired || value === "") this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  /** next-auth's CSRF token (its signed twin arrives as a cookie). */
  async csrfToken() {
    if (this.csrf) return this.csrf;
    const response = await this.send("GET", "/api/auth/csrf");
    const body = /** @type {{ csrfToken?: unknown }} */ (await response.json().catch(() => ({})));
    if (!response.ok || typeof body.csrfToken !== "string") {
      throw new CliError(`The server at ${this.server} did not hand out a sign-in token (GET /api/auth/csrf answered ${response.status}).`, {
        hint: "Is this the address of a Message Hub server?",
      });
    }
    this.csrf = body.csrfToken;
    return this.csrf;
  }

  /**
   * Signs in with an email and password (and a code when the account has
   * two-factor on). May be called again with the code after totp_required.
   * @param {{ email: string, password: string, totp?: string }} input
   * @returns {Promise<SignInOutcome>}
   */
  async signIn(input) {
    const form = new URLSearchParams({ csrfToken: await this.csrfToken(), email: input.email, password: input.password, totp: input.totp ?? "", json: "true" });
    const response = await this.send("POST", "/api/auth/callback/credentials", form);
    if (response.status === 429) {
      /** @type {{ detail?: string }} */
      const problem = await response.json().catch(() => ({}));
      const seconds = Number(response.headers.get("retry-after"));
      const retryAfterSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : 60;
      // The back-off after failed sign-ins says so; the plain per-address limit does not.
      const lockedOut = /failed sign-in/i.test(problem.detail ?? "");
      return { ok: false, reason: lockedOut ? "locked_out" : "rate_limited", retryAfterSeconds, detail: problem.detail };
    }
    // A refused sign-in is a 401 that still carries {url: …?error=<reason>}.
    const body = /** @type {{ url?: string, detail?: string, title?: string }} */ (await response.json().catch(() => ({})));
    if (typeof body.url !== "string") return { ok: false, reason: "unknown", detail: body.detail ?? body.title ?? `HTTP ${response.status}` };
    const error = new URL(body.url, this.server).searchParams.get("error");
    if (!error) {
      if (!this.hasSession()) return { ok: false, reason: "unknown", detail: "the server accepted the sign-in but set no session cookie" };
      return { ok: true };
    }
    if (KNOWN.includes(error)) return { ok: false, reason: /** @type {SignInFailure} */ (error) };
    // A lockout that began during this very attempt arrives as the error text.
    const wait = error.match(/try again in (\d+) s/i);
    if (wait) return { ok: false, reason: "locked_out", retryAfterSeconds: Number(wait[1]), detail: error };
    // next-auth's own code for credentials it could not even check (an email that is not one).
    if (error === "CredentialsSignin") return { ok: false, reason: "invalid" };
    return { ok: false, reason: "unknown", detail: error };
  }

  /**
   * The public API as this session: the cookie, and the Origin header the
   * hub's CSRF check wants on a session's writes (its own origin).
   */
  api() {
    return new ApiClient({ server: this.server, headers: { cookie: this.cookieHeader(), origin: this.origin }, debug: this.debug });
  }

  /** Ends the session (next-auth clears its cookie and audits the sign-out). */
  async signOut() {
    if (!this.hasSession()) return;
    const form = new URLSearchParams({ csrfToken: await this.csrfToken(), json: "true" });
    await this.send("POST", "/api/auth/signout", form);
    this.cookies.clear();
  }
}

/** "14 min 5 s", "45 s", "2 h 3 min". @param {number} totalSeconds */
export function formatWait(totalSeconds) {
  const s = Math.max(0, Math.ceil(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (hours > 0) return `${hours} h${minutes ? ` ${minutes} min` : ""}`;
  if (minutes > 0) return `${minutes} min${seconds ? ` ${seconds} s` : ""}`;
  return `${seconds} s`;
}
