import { getDb } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { smsToUrl } from "@/lib/messages/forwarders/formats";
import { receiveForwarded } from "@/lib/messages/forwarders/receive";
import { FORWARDER_MAX_BODY_BYTES, forwarderQuerySchema, smsToUrlSchema } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** SMS to URL forwarder (bogkonstantin): its default JSON template. */
export const POST = route(
  { auth: "device", scopes: ["messages:write"], allowQueryKey: true, rateLimit: "ingest", query: forwarderQuerySchema, body: smsToUrlSchema, maxBodyBytes: FORWARDER_MAX_BODY_BYTES },
  async ({ input, actor, rawBody, req }) => {
    const result = await receiveForwarded(getDb(), { userId: actor.userId, deviceId: actor.deviceId! }, "sms-to-url", smsToUrl, { body: input.body, rawBody, headers: req.headers, type: input.query.type });
    return json(result.body, { status: result.status });
  },
);
