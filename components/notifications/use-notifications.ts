"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useOnReconnect, useRealtimeEvent } from "@/components/realtime/realtime-provider";
import { apiFetch } from "@/lib/http/api-client";
import type { NotificationView } from "@/lib/notifications/list";
import { queryKeys } from "@/lib/query-keys";

export type NotificationPage = { data: NotificationView[]; unread: number; nextCursor: string | null };

/**
 * The caller's newest notifications and unread count, kept live: a
 * `notification` event (new, or a burst that grew) refetches, as does a
 * reconnect (events missed while offline).
 */
export function useNotifications(initial?: NotificationPage) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.notifications.list(),
    queryFn: () => apiFetch<NotificationPage>("/api/v1/notifications?limit=50"),
    initialData: initial,
  });
  const refresh = () => void client.invalidateQueries({ queryKey: queryKeys.notifications.list() });
  useRealtimeEvent("notification", refresh);
  useOnReconnect(refresh);
  const markRead = useMutation({
    mutationFn: (target: { ids: string[] } | { all: true }) => apiFetch<{ ids: string[]; unread: number }>("/api/v1/notifications/read", { method: "POST", body: target }),
    onSuccess: refresh,
  });
  return { ...query, markRead };
}
