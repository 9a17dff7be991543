import { eq, sql } from "drizzle-orm";
import { POST as registerRoute } from "@/app/api/v1/devices/register/route";
import { getDb } from "@/lib/db/client";
import { messages } from "@/lib/db/schema/inbox";
import { call } from "@/tests/helpers/http";
import type { TestUser } from "@/tests/helpers/factories";

/** Registers a device for a user through the public route; returns the device and its key. */
export async function makeDevice(owner: TestUser, body: Record<string, unknown> = {}): Promise<{ id: string; key: string; device: any }> {
  const result = await call(registerRoute, { key: owner.key, body: { name: "Pixel", platform: "android", ...body } });
  if (result.status !== 201) throw new Error(`device registration failed: ${result.status} ${result.text}`);
  return { id: result.body.device.id, key: result.body.key, device: result.body.device };
}

/** Rows stored for a user, deleted ones included. */
export async function countStored(userId: string): Promise<number> {
  const [row] = await getDb()
    .select({ n: sql<number>`count(*)::int` })
    .from(messages)
    .where(eq(messages.userId, userId));
  return row!.n;
}

let counter = 0;

/** A valid message with a unique body unless overridden. */
export function sms(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return { type: "sms", sender: "+15550000001", body: `Hello ${counter} ${Date.now()}`, receivedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, counter % 60)).toISOString(), ...overrides };
}
