import { getDb } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { generic } from "@/lib/messages/forwarders/formats";
import { receiveForwarded } from "@/lib/messages/forwarders/receive";
import { FORWARDER_MAX_BODY_BYTES, forwarderQuerySchema, genericSchema } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** Any tool: JSON (or a form) with from/sender, text/body/message/content, timestamp/receivedAt. */
export const POST = route(
  { auth: "device", scopes: ["messages:write"], allowQueryKey: true, rateLimit: "ingest", query: forwarderQuerySchema, body: genericSchema, maxBodyBytes: FORWARDER_MAX_BODY_BYTES, bodyKind: "json-or-form" },
  async ({ input, actor, rawBody, req }) => {
    const result = await receiveForwarded(getDb(), { userId: actor.userId, deviceId: actor.deviceId! }, "generic", generic, { body: input.body, rawBody, headers: req.headers, type: input.query.type });
    return json(result.body, { status: result.status });
  },
);
