"use client";

import { useState, type ReactNode } from "react";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { hardNavigate } from "@/components/auth/hard-navigate";
import { RealtimeProvider } from "@/components/realtime/realtime-provider";
import { ToastProvider } from "@/components/ui/toast";
import { ApiError } from "@/lib/http/api-client";

/** A 401 from any query or mutation means the session is gone: back to sign-in. */
function onAuthError(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) hardNavigate("/sign-in");
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onAuthError }),
    mutationCache: new MutationCache({ onError: onAuthError }),
    defaultOptions: {
      queries: {
        // Realtime events invalidate what changes, so data may stay fresh longer than a poll would allow.
        staleTime: 30_000,
        gcTime: 5 * 60_000,
        refetchOnWindowFocus: true,
        // A 4xx will not get better by asking again; network errors and 5xx get two more tries.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}

/** Everything a signed-in page needs: the query cache, toasts and the live connection. */
export function AppProviders({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <RealtimeProvider>{children}</RealtimeProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}
