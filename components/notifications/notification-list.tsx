"use client";

import Link from "next/link";
import { useNotificationPages, type NotificationPage } from "@/components/notifications/use-notifications";
import { Button, buttonClasses } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Card, CardHeader } from "@/components/ui/display";
import { BellIcon, CheckIcon } from "@/components/ui/icons";
import { EmptyState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";

/**
 * The notification centre: newest first, live, with mark read, mark all read
 * and older pages on request. Following a notification's link marks it read.
 */
export function NotificationList({ initial }: { initial: NotificationPage }) {
  const { pages, markRead } = useNotificationPages(initial);
  const items = pages.data?.pages.flatMap((page) => page.data) ?? [];
  const unread = pages.data?.pages[0]?.unread ?? 0;
  if (items.length === 0) {
    return (
      <Card>
        <EmptyState
          icon={<BellIcon className="size-7" />}
          title="You are all caught up"
          description={<p>Nothing needs your attention. To hear about what does even when this tab is closed, turn on push notifications for this browser.</p>}
          action={
            <Link href="/settings/notifications" className={buttonClasses({ variant: "secondary" })}>
              Notification settings
            </Link>
          }
        />
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader
        title={`${unread} unread`}
        actions={
          <Button variant="secondary" size="sm" disabled={unread === 0} loading={markRead.isPending && markRead.variables !== undefined && "all" in markRead.variables} onClick={() => markRead.mutate({ all: true })}>
            Mark all read
          </Button>
        }
      />
      <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="notification-list">
        {items.map((item) => (
          <li key={item.id} className={cx("flex items-start gap-3 px-4 py-3", item.readAt ? "opacity-70" : "bg-sky-50/60 dark:bg-sky-950/20")} data-unread={item.readAt ? undefined : "true"}>
            <div className="min-w-0 flex-1">
              <p className="font-medium">
                {item.url ? (
                  <Link
                    href={item.url}
                    onClick={() => {
                      if (!item.readAt) markRead.mutate({ ids: [item.id] });
                    }}
                  >
                    {item.title}
                  </Link>
                ) : (
                  item.title
                )}
                {item.urgent ? <span className="ml-2 rounded bg-red-100 px-1.5 text-xs text-red-800 dark:bg-red-950 dark:text-red-200">urgent</span> : null}
              </p>
              <p className="whitespace-pre-line text-sm text-slate-600 dark:text-slate-400">{item.body}</p>
              <p className="text-xs text-slate-500">
                <RelativeTime value={item.updatedAt} />
              </p>
            </div>
            {item.readAt ? null : (
              <Button variant="ghost" size="sm" icon={<CheckIcon className="size-4" />} onClick={() => markRead.mutate({ ids: [item.id] })} aria-label={`Mark "${item.title}" read`}>
                Read
              </Button>
            )}
          </li>
        ))}
      </ul>
      {pages.hasNextPage ? (
        <div className="border-t border-slate-200 p-3 text-center dark:border-slate-800">
          {pages.isFetchNextPageError ? (
            <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-300">
              Could not load older notifications: {pages.error?.message}
            </p>
          ) : null}
          <Button variant="ghost" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            Show older
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
