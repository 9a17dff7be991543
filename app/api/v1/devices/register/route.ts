import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { registerDevice } from "@/lib/devices/register";
import { registerDeviceSchema } from "@/lib/devices/schemas";

export const dynamic = "force-dynamic";

/** Registers a phone; the response holds its API key (ingest and sync scopes), shown once. */
export const POST = route({ auth: "user", scopes: ["devices:write"], body: registerDeviceSchema }, async ({ input, actor }) =>
  created(await registerDevice(getDb(), { userId: actor.userId, scopes: actor.scopes }, input.body)),
);
