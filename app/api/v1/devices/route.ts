import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listDevices } from "@/lib/devices/list";
import { listDevicesQuerySchema } from "@/lib/devices/schemas";

export const dynamic = "force-dynamic";

/** The caller's devices with status, message count and last message. */
export const GET = route({ auth: "user", scopes: ["messages:read"], query: listDevicesQuerySchema }, async ({ input, actor }) => listDevices(getDb(), actor.userId, input.query));
