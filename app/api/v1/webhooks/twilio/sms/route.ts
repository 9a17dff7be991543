import { getConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { routeInboundSms } from "@/lib/sms/inbound";
import { getSmsProvider } from "@/lib/sms/provider";
import { twilioInboundSchema } from "@/lib/sms/schemas";
import { recordUsage } from "@/lib/sms/usage";

export const dynamic = "force-dynamic";

/**
 * Twilio's inbound SMS webhook. The signature is checked against PUBLIC_URL
 * plus this path (the URL configured in Twilio), never the Host header; a bad
 * one is a 403 with nothing stored. No network call happens here, so the
 * answer is well inside Twilio's 15 s.
 */
export const POST = route({ auth: "public", body: twilioInboundSchema, bodyKind: "form", rateLimit: "ingest", maxBodyBytes: 64 * 1024 }, async ({ input, req, log }) => {
  const started = performance.now();
  const publicUrl = getConfig().PUBLIC_URL;
  if (!publicUrl) throw new AppError("unavailable", "Set PUBLIC_URL so Twilio signatures can be checked");
  const requested = new URL(req.url);
  const url = `${publicUrl.replace(/\/$/, "")}${requested.pathname}${requested.search}`;
  const params = input.body;
  const db = getDb();
  if (!getSmsProvider().validateInbound({ url, params, signature: req.headers.get("x-twilio-signature") })) {
    await recordUsage(db, { userId: null, direction: "inbound", number: (params.From ?? "unknown").slice(0, 32), kind: "message", body: params.Body ?? "", outcome: "invalid_signature" });
    throw new AppError("forbidden", "The X-Twilio-Signature does not match this request");
  }
  try {
    const result = await routeInboundSms(db, params, started);
    log.info({ outcome: result.outcome, messageId: result.messageId }, "twilio inbound sms");
    return new Response(result.twiml, { status: 200, headers: { "content-type": "text/xml; charset=utf-8" } });
  } catch (error) {
    await recordUsage(db, { userId: null, direction: "inbound", number: (params.From ?? "unknown").slice(0, 32), kind: "message", body: params.Body ?? "", outcome: "error", error: (error as Error).message.slice(0, 500) }).catch(() => false);
    throw error;
  }
});
