import { runNextAuth } from "@/lib/auth/next-auth-handler";
import { authOptions } from "@/lib/auth/next-auth";
import { assertSignInAllowed } from "@/lib/auth/sign-in";
import { decodeUtf8, mediaType, readBody } from "@/lib/http/body";
import { AppError, isAppError, problemResponse } from "@/lib/http/errors";
import { consume } from "@/lib/http/rate-limit";
import { clientIp } from "@/lib/http/route";
import { requestIdFrom, runWithContext } from "@/lib/log/context";
import { getLogger } from "@/lib/log/logger";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

/** Sign-in forms are small; anything bigger is not one. */
const MAX_AUTH_BODY_BYTES = 16 * 1024;

/**
 * next-auth's endpoints (/api/auth/csrf, /session, /signin/<provider>,
 * /callback/<provider>, /signout, /providers).
 *
 * A password sign-in (POST /api/auth/callback/credentials) first passes two
 * checks that answer 429 with Retry-After before next-auth sees it: the
 * per-account and per-IP back-off after failures (so even the right password
 * waits out a lockout), and the per-IP limit on sign-in attempts.
 */
async function handle(req: Request, context: Context): Promise<Response> {
  const { nextauth } = await context.params;
  const requestId = requestIdFrom(req.headers.get("x-request-id"));
  const ip = clientIp(req);
  return runWithContext({ requestId, ip, userAgent: req.headers.get("user-agent") ?? undefined }, async () => {
    try {
      const body = req.method === "POST" ? await readAuthBody(req) : undefined;
      if (req.method === "POST" && nextauth.join("/") === "callback/credentials") {
        await assertSignInAllowed(body?.email ?? "", ip);
        await consume("auth", `signin-ip:${ip}`);
      }
      const response = await runNextAuth(req, nextauth, body, authOptions());
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      if (isAppError(error)) {
        getLogger().info({ status: error.status, code: error.code, path: "/api/auth/" + nextauth.join("/") }, "auth request refused");
        return problemResponse(error, requestId);
      }
      throw error;
    }
  });
}

async function readAuthBody(req: Request): Promise<Record<string, string>> {
  const raw = await readBody(req, MAX_AUTH_BODY_BYTES);
  if (raw.length === 0) return {};
  const type = mediaType(req);
  const text = decodeUtf8(raw);
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  if (type === "application/json") {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
      }
    } catch {
      // fall through to the 400 below
    }
    throw new AppError("bad_request", "The request body is not a JSON object");
  }
  throw new AppError("unsupported_media_type", "Send the form as application/x-www-form-urlencoded");
}

export const GET = handle;
export const POST = handle;
