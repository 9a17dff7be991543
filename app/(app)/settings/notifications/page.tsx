import type { Metadata } from "next";
import { NotificationPreferences } from "@/components/settings/notification-preferences";
import { PushSettings } from "@/components/settings/push-toggle";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { getPreferences } from "@/lib/notifications/preferences";
import { listSubscriptions } from "@/lib/notifications/push-subscriptions";
import { getSettings } from "@/lib/notifications/settings";

export const metadata: Metadata = { title: "Notification settings" };

export default async function NotificationSettingsPage() {
  const user = await requireUser();
  const db = getDb();
  const [subscriptions, preferences, schedule] = await Promise.all([listSubscriptions(db, user.id), getPreferences(db, user.id), getSettings(db, user.id)]);
  return (
    <div className="space-y-6">
      <PushSettings initialSubscriptions={subscriptions} />
      <NotificationPreferences initial={{ preferences, schedule }} />
    </div>
  );
}
