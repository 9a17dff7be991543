import { and, eq } from "drizzle-orm";
import { getConfig } from "@/lib/config/env";
import type { Database } from "@/lib/db/client";
import { devices } from "@/lib/db/schema/inbox";
import { AppError } from "@/lib/http/errors";
import { ingestMessages } from "@/lib/messages/ingest";
import type { MessageView } from "@/lib/messages/schemas";
import type { ForwarderFormat, ForwarderRequest, ForwarderResult } from "@/lib/messages/forwarders/formats";

export type Received = { status: 200 | 201; body: { status: "created" | "duplicate" | "ignored"; message?: MessageView; event?: string } };

/**
 * One request from a forwarder app: looks up the device's signing secret,
 * lets the format's parser verify and map the request, then ingests the
 * message through the same exactly-once path as POST /api/v1/messages.
 * 201 for a new message, 200 for a retry of a stored one (and for events
 * the hub does not store, so the app stops retrying them).
 */
export async function receiveForwarded<B>(
  db: Database,
  origin: { userId: string; deviceId: string },
  format: ForwarderFormat,
  parse: (request: ForwarderRequest<B>) => ForwarderResult,
  request: Omit<ForwarderRequest<B>, "signingSecret" | "now" | "windowSeconds">,
): Promise<Received> {
  const [device] = await db
    .select({ signingSecret: devices.signingSecret })
    .from(devices)
    .where(and(eq(devices.userId, origin.userId), eq(devices.id, origin.deviceId)))
    .limit(1);
  if (!device) throw new AppError("forbidden", "This API key's device no longer exists");
  const result = parse({ ...request, signingSecret: device.signingSecret, now: new Date(), windowSeconds: getConfig().INGEST_SIGNATURE_WINDOW_SECONDS });
  if (result.kind === "ignored") return { status: 200, body: { status: "ignored", event: result.event } };
  const [outcome] = await ingestMessages(db, { userId: origin.userId, deviceId: origin.deviceId, source: format }, [result.input]);
  return { status: outcome!.status === "created" ? 201 : 200, body: { status: outcome!.status, message: outcome!.message } };
}
