import type { z } from "zod";
import type { Scope } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/auth/api-keys";
import type { Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { devices } from "@/lib/db/schema/inbox";
import { AppError } from "@/lib/http/errors";
import type { DeviceView, registerDeviceSchema } from "@/lib/devices/schemas";
import { getDevice } from "@/lib/devices/list";

/** What a device's key may do: ingest (messages:write) and sync (messages:read). Nothing else. */
export const DEVICE_SCOPES: readonly Scope[] = ["messages:read", "messages:write"];

/**
 * Registers a phone and mints its API key in one transaction: the key
 * carries the device id, so everything it ingests is attributed to the
 * device, and revoking the device revokes the key. The secret is returned
 * here once. The caller must hold the scopes it hands to the device.
 */
export async function registerDevice(
  db: Database,
  owner: { userId: string; scopes: readonly Scope[] },
  input: z.output<typeof registerDeviceSchema>,
): Promise<{ device: DeviceView; apiKey: { id: string; name: string; scopes: string[]; prefix: string }; key: string }> {
  const missing = DEVICE_SCOPES.filter((scope) => !owner.scopes.includes(scope) && !owner.scopes.includes("admin"));
  if (missing.length > 0) throw new AppError("forbidden", `You cannot grant a device scopes you do not hold: ${missing.join(", ")}`);
  return db.transaction(async (tx) => {
    const id = newId("dev");
    await tx.insert(devices).values({
      id,
      userId: owner.userId,
      name: input.name,
      platform: input.platform || null,
      phoneNumber: input.phoneNumber || null,
      model: input.model || null,
      appVersion: input.appVersion || null,
      signingSecret: input.signingSecret ?? null,
    });
    const { apiKey, key } = await createApiKey(tx, owner.userId, { name: `Device: ${input.name}`.slice(0, 100), scopes: DEVICE_SCOPES, deviceId: id });
    const device = await getDevice(tx, owner.userId, id);
    return { device, apiKey: { id: apiKey.id, name: apiKey.name, scopes: apiKey.scopes, prefix: apiKey.prefix }, key };
  });
}
