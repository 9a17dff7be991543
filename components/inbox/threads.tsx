"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { TypeIcon } from "@/components/inbox/message-bits";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Badge, Card } from "@/components/ui/display";
import { RoomsIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { apiFetch } from "@/lib/http/api-client";
import type { MessageView } from "@/lib/messages/schemas";
import { queryKeys } from "@/lib/query-keys";

type Thread = { key: string; lastMessage: MessageView; messageCount: number; unreadCount: number; lastReceivedAt: string };
type ThreadPage = { data: Thread[]; nextCursor: string | null; hasMore: boolean };

/** Conversations grouped by thread key (or sender), newest first, with unread counts. */
export function ThreadList({ device, deviceNames, onOpenThread }: { device?: string; deviceNames: Map<string, string>; onOpenThread: (key: string) => void }) {
  const query = useInfiniteQuery({
    queryKey: queryKeys.messages.threads(device),
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams({ limit: "50" });
      if (device) params.set("device", device);
      if (pageParam) params.set("cursor", pageParam);
      return apiFetch<ThreadPage>(`/api/v1/messages/threads?${params}`, { signal });
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore && last.nextCursor ? last.nextCursor : undefined),
  });
  const threads = query.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <Card>
      {query.isPending ? (
        <div className="p-4">
          <SkeletonList rows={5} label="Loading threads" />
        </div>
      ) : query.isError ? (
        <ErrorState detail={query.error.message} onRetry={() => void query.refetch()} />
      ) : threads.length === 0 ? (
        <EmptyState icon={<RoomsIcon className="size-7" />} title="No threads yet" description="Conversations appear here once messages arrive." />
      ) : (
        <ul aria-label="Threads" className="divide-y divide-slate-100 dark:divide-slate-800">
          {threads.map((thread) => (
            <li key={thread.key}>
              <button type="button" onClick={() => onOpenThread(thread.key)} className="flex w-full items-start gap-3 px-4 py-3 text-left hover:bg-slate-50 dark:hover:bg-slate-800/40">
                <TypeIcon type={thread.lastMessage.type} className="mt-0.5 size-4 text-slate-500" />
                <div className="min-w-0 flex-1">
                  <div className="flex items-center gap-2">
                    <span className={cx("min-w-0 flex-1 truncate text-sm", thread.unreadCount > 0 ? "font-semibold text-slate-900 dark:text-slate-50" : "text-slate-700 dark:text-slate-300")}>{thread.key}</span>
                    {thread.unreadCount > 0 ? (
                      <Badge tone="brand">
                        {thread.unreadCount}
                        <span className="sr-only"> unread</span>
                      </Badge>
                    ) : null}
                    <span className="shrink-0 text-xs text-slate-500 dark:text-slate-400">
                      <RelativeTime value={thread.lastReceivedAt} />
                    </span>
                  </div>
                  <p className="truncate text-sm text-slate-600 dark:text-slate-400">{thread.lastMessage.body}</p>
                  <p className="text-xs text-slate-500 dark:text-slate-400">
                    {thread.messageCount} message{thread.messageCount === 1 ? "" : "s"}
                    {thread.lastMessage.deviceId && deviceNames.get(thread.lastMessage.deviceId) ? ` · ${deviceNames.get(thread.lastMessage.deviceId)}` : ""}
                  </p>
                </div>
              </button>
            </li>
          ))}
        </ul>
      )}
      {query.hasNextPage ? (
        <div className="border-t border-slate-100 p-3 text-center dark:border-slate-800">
          <Button variant="secondary" size="sm" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
