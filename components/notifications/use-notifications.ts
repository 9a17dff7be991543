"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useOnReconnect, useRealtimeEvent } from "@/components/realtime/realtime-provider";
import { apiFetch } from "@/lib/http/api-client";
import type { NotificationView } from "@/lib/notifications/list";
import { NOTIFICATION_PAGE_SIZE } from "@/lib/notifications/schemas";
import { queryKeys } from "@/lib/query-keys";

export type NotificationPage = { data: NotificationView[]; unread: number; nextCursor: string | null; hasMore: boolean };

/**
 * Keeps the caller's notification queries live: a `notification` event (new,
 * or a burst that grew) refetches them, as does a reconnect (events missed
 * while offline). Marking read refetches too, so the badge and the list agree.
 */
function useLiveNotifications() {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: queryKeys.notifications.list() });
  useRealtimeEvent("notification", refresh);
  useOnReconnect(refresh);
  return useMutation({
    mutationFn: (target: { ids: string[] } | { all: true }) => apiFetch<{ ids: string[]; unread: number }>("/api/v1/notifications/read", { method: "POST", body: target }),
    onSuccess: refresh,
  });
}

/** The unread count for the header's bell. */
export function useUnreadNotifications() {
  useLiveNotifications();
  const query = useQuery({
    queryKey: queryKeys.notifications.unread(),
    queryFn: () => apiFetch<NotificationPage>("/api/v1/notifications?limit=1"),
  });
  return query.data?.unread ?? 0;
}

/**
 * The notification centre's pages, newest first. A refetch reloads every
 * page loaded so far from the first, each from the one before's cursor, so a
 * new notification pushing one off the first page never leaves a gap.
 */
export function useNotificationPages(initial: NotificationPage) {
  const markRead = useLiveNotifications();
  const pages = useInfiniteQuery({
    queryKey: queryKeys.notifications.pages(),
    queryFn: ({ pageParam }) => {
      const search = new URLSearchParams({ limit: String(NOTIFICATION_PAGE_SIZE) });
      if (pageParam) search.set("cursor", pageParam);
      return apiFetch<NotificationPage>(`/api/v1/notifications?${search}`);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? (last.nextCursor ?? undefined) : undefined),
    initialData: { pages: [initial], pageParams: [undefined] },
  });
  return { pages, markRead };
}
