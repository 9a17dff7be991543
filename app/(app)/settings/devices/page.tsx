import type { Metadata } from "next";
import { DevicesManager } from "@/components/devices/devices";
import { requireUser } from "@/lib/auth/page-session";
import { getConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { listDevices } from "@/lib/devices/list";

export const metadata: Metadata = { title: "Devices" };

export default async function DevicesPage() {
  const user = await requireUser();
  const devices = await listDevices(getDb(), user.id, { limit: 500 });
  return <DevicesManager initialDevices={devices.data} publicUrl={getConfig().PUBLIC_URL ?? null} timeZone={user.timezone} />;
}
