"use client";

import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useCallback } from "react";
import type { MessageView } from "@/lib/messages/schemas";
import { queryKeys } from "@/lib/query-keys";

export type MessagePage = { data: MessageView[]; nextCursor: string | null; hasMore: boolean };
export type MessagePages = InfiniteData<MessagePage, string | undefined>;

/** Applies `change` to every cached list page and the detail entry of each message it returns. */
export function useMessageCache() {
  const queryClient = useQueryClient();
  return useCallback(
    (update: (message: MessageView) => MessageView | null) => {
      queryClient.setQueriesData<MessagePages>({ queryKey: queryKeys.messages.lists() }, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({ ...page, data: page.data.flatMap((message) => update(message) ?? []) })),
            }
          : data,
      );
    },
    [queryClient],
  );
}

