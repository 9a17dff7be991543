import { getDb } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { smsforwarder } from "@/lib/messages/forwarders/formats";
import { receiveForwarded } from "@/lib/messages/forwarders/receive";
import { FORWARDER_MAX_BODY_BYTES, forwarderQuerySchema, smsforwarderSchema } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** SmsForwarder (pppscn) webhooks: the form post (or a JSON template with the same fields). */
export const POST = route(
  { auth: "device", scopes: ["messages:write"], allowQueryKey: true, rateLimit: "ingest", query: forwarderQuerySchema, body: smsforwarderSchema, maxBodyBytes: FORWARDER_MAX_BODY_BYTES, bodyKind: "json-or-form" },
  async ({ input, actor, rawBody, req }) => {
    const result = await receiveForwarded(getDb(), { userId: actor.userId, deviceId: actor.deviceId! }, "smsforwarder", smsforwarder, { body: input.body, rawBody, headers: req.headers, type: input.query.type });
    return json(result.body, { status: result.status });
  },
);
