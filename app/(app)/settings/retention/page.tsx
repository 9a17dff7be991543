import type { Metadata } from "next";
import { RetentionSettings } from "@/components/settings/retention";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listDevices } from "@/lib/devices/list";
import { getRetention } from "@/lib/messages/retention";

export const metadata: Metadata = { title: "Retention" };

export default async function RetentionPage() {
  const user = await requireUser();
  const db = getDb();
  const [retention, devices] = await Promise.all([getRetention(db, user.id), listDevices(db, user.id, { limit: 500 })]);
  const initial = { ...retention, lastRun: retention.lastRun && { at: retention.lastRun.at.toISOString(), removed: retention.lastRun.removed } };
  return <RetentionSettings initial={initial} devices={devices.data.map((device) => ({ id: device.id, name: device.name }))} />;
}
