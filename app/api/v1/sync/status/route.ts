import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { putSyncStatusSchema } from "@/lib/messages/schemas";
import { ackSync, getSyncStatus } from "@/lib/messages/sync";

export const dynamic = "force-dynamic";

/** The stream head and each device's acknowledged cursor. A device key sees its own. */
export const GET = route({ auth: "user", scopes: ["messages:read"] }, async ({ actor }) => getSyncStatus(getDb(), actor.userId, actor.deviceId));

/** Acknowledges a cursor for a device: a device key for itself, a user for any of their devices. */
export const PUT = route({ auth: "user", scopes: ["messages:read"], body: putSyncStatusSchema }, async ({ input, actor }) => {
  const deviceId = actor.deviceId ?? input.body.deviceId;
  if (!deviceId) throw new AppError("validation_failed", "Name the device", { errors: [{ path: "body.deviceId", message: "is required with a user's credentials", code: "custom" }] });
  if (actor.deviceId && input.body.deviceId && input.body.deviceId !== actor.deviceId) throw new AppError("not_found", "Device not found");
  return { device: await ackSync(getDb(), actor.userId, deviceId, input.body.cursor) };
});
