import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { getDevice } from "@/lib/devices/list";
import { patchDeviceSchema } from "@/lib/devices/schemas";
import { deleteDevice, updateDevice } from "@/lib/devices/update";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "user", scopes: ["messages:read"], params: idParams }, async ({ input, actor }) => ({
  device: await getDevice(getDb(), actor.userId, input.params.id),
}));

/** Rename, edit, set or clear the signing secret, or revoke ({revoked: true}: its keys stop at once). */
export const PATCH = route({ auth: "user", scopes: ["devices:write"], params: idParams, body: patchDeviceSchema }, async ({ input, actor }) => ({
  device: await updateDevice(getDb(), actor.userId, input.params.id, input.body),
}));

/** Deletes the device and revokes its keys; its messages stay in the inbox. */
export const DELETE = route({ auth: "user", scopes: ["devices:write"], params: idParams }, async ({ input, actor }) => {
  await deleteDevice(getDb(), actor.userId, input.params.id);
  return noContent();
});
