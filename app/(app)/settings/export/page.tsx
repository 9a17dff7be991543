import type { Metadata } from "next";
import { Suspense } from "react";
import { ExportSettings } from "@/components/settings/export";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listDevices } from "@/lib/devices/list";

export const metadata: Metadata = { title: "Export" };

export default async function ExportPage() {
  const user = await requireUser();
  const devices = await listDevices(getDb(), user.id, { limit: 500 });
  return (
    <Suspense>
      <ExportSettings devices={devices.data.map((device) => ({ id: device.id, name: device.name }))} />
    </Suspense>
  );
}
