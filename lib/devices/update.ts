import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Database, Tx } from "@/lib/db/client";
import { devices } from "@/lib/db/schema/inbox";
import { apiKeys } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import type { DeviceView, heartbeatSchema, patchDeviceSchema } from "@/lib/devices/schemas";
import { getDevice } from "@/lib/devices/list";

/** Revokes every key of a device, in the caller's transaction: they stop working on the next request. */
export async function revokeDeviceKeys(tx: Tx, userId: string, deviceId: string): Promise<void> {
  await tx
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())`, updatedAt: sql`now()` })
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.deviceId, deviceId)));
}

/** Renames, edits, sets or clears the signing secret, or revokes. Another user's device is a 404. */
export async function updateDevice(db: Database, userId: string, id: string, patch: z.output<typeof patchDeviceSchema>): Promise<DeviceView> {
  return db.transaction(async (tx) => {
    const set: Partial<typeof devices.$inferInsert> = { updatedAt: new Date() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.platform !== undefined) set.platform = patch.platform || null;
    if (patch.phoneNumber !== undefined) set.phoneNumber = patch.phoneNumber || null;
    if (patch.model !== undefined) set.model = patch.model || null;
    if (patch.appVersion !== undefined) set.appVersion = patch.appVersion || null;
    if (patch.signingSecret !== undefined) set.signingSecret = patch.signingSecret;
    const [row] = await tx
      .update(devices)
      .set({ ...set, ...(patch.revoked ? { revokedAt: sql`coalesce(${devices.revokedAt}, now())` } : {}) })
      .where(and(eq(devices.userId, userId), eq(devices.id, id)))
      .returning({ id: devices.id });
    if (!row) throw new AppError("not_found", "Device not found");
    if (patch.revoked) await revokeDeviceKeys(tx, userId, id);
    return getDevice(tx, userId, id);
  });
}

/** Deletes a device and revokes its keys. Its messages stay (with their device id) in the inbox. */
export async function deleteDevice(db: Database, userId: string, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(devices)
      .where(and(eq(devices.userId, userId), eq(devices.id, id)))
      .returning({ id: devices.id });
    if (!row) throw new AppError("not_found", "Device not found");
    await revokeDeviceKeys(tx, userId, id);
  });
}

/** Records that the device is alive, with its battery and app version. A revoked device is refused. */
export async function heartbeat(db: Database, userId: string, id: string, input: z.output<typeof heartbeatSchema>): Promise<DeviceView> {
  const [row] = await db
    .update(devices)
    .set({
      lastSeenAt: sql`now()`,
      updatedAt: sql`now()`,
      ...(input.battery !== undefined ? { battery: input.battery } : {}),
      ...(input.appVersion ? { appVersion: input.appVersion } : {}),
    })
    .where(and(eq(devices.userId, userId), eq(devices.id, id), sql`${devices.revokedAt} is null`))
    .returning({ id: devices.id });
  if (!row) throw new AppError("not_found", "Device not found");
  return getDevice(db, userId, id);
}
