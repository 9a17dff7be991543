import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { heartbeatSchema } from "@/lib/devices/schemas";
import { heartbeat } from "@/lib/devices/update";

export const dynamic = "force-dynamic";

/** The device says it is alive: lastSeenAt, battery, app version. A device key may only speak for itself. */
export const POST = route({ auth: "user", scopes: ["messages:write"], params: idParams, body: heartbeatSchema }, async ({ input, actor }) => {
  if (actor.deviceId && actor.deviceId !== input.params.id) throw new AppError("not_found", "Device not found");
  return { device: await heartbeat(getDb(), actor.userId, input.params.id, input.body) };
});
