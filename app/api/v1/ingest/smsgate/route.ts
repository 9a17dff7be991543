import { getDb } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { smsgate } from "@/lib/messages/forwarders/formats";
import { receiveForwarded } from "@/lib/messages/forwarders/receive";
import { FORWARDER_MAX_BODY_BYTES, forwarderQuerySchema, smsgateWebhookSchema } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** SMSGate (capcom6/android-sms-gateway) webhooks, exactly as the app sends them. */
export const POST = route(
  { auth: "device", scopes: ["messages:write"], allowQueryKey: true, rateLimit: "ingest", query: forwarderQuerySchema, body: smsgateWebhookSchema, maxBodyBytes: FORWARDER_MAX_BODY_BYTES },
  async ({ input, actor, rawBody, req }) => {
    const result = await receiveForwarded(getDb(), { userId: actor.userId, deviceId: actor.deviceId! }, "smsgate", smsgate, { body: input.body, rawBody, headers: req.headers, type: input.query.type });
    return json(result.body, { status: result.status });
  },
);
