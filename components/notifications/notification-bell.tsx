"use client";

import Link from "next/link";
import { useUnreadNotifications } from "@/components/notifications/use-notifications";
import { buttonClasses } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { BellIcon } from "@/components/ui/icons";

/** The header bell: links to the notification centre, with the live unread count. */
export function NotificationBell() {
  const unread = useUnreadNotifications();
  return (
    <Link href="/notifications" className={cx(buttonClasses({ variant: "ghost", size: "sm" }), "relative")} aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"} data-testid="notification-bell">
      <BellIcon className="size-5" />
      {unread > 0 ? (
        <span className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs font-semibold leading-5 text-white" data-testid="unread-badge">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
