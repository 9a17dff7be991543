import type { Metadata } from "next";
import { NotificationList } from "@/components/notifications/notification-list";
import { Page } from "@/components/shell/page";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listNotifications } from "@/lib/notifications/list";
import { NOTIFICATION_PAGE_SIZE } from "@/lib/notifications/schemas";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const user = await requireUser();
  const initial = await listNotifications(getDb(), user.id, { limit: NOTIFICATION_PAGE_SIZE });
  return (
    <Page title="Notifications" description="Reminders, assignments and high-priority messages that need your attention.">
      <NotificationList initial={initial} />
    </Page>
  );
}
