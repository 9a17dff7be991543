"use client";

import { useQueryClient } from "@tanstack/react-query";
import { signOut } from "@/components/auth/client-auth";
import { hardNavigate } from "@/components/auth/hard-navigate";
import { clearOfflineData } from "@/components/pwa/offline-data";
import { apiFetch } from "@/lib/http/api-client";

/**
 * Signs out and leaves nothing of the account in this browser: the query
 * cache, the offline inbox snapshot, and this browser's push subscription
 * (so the next person to use it does not get the previous one's pushes).
 */
export function useSignOut(): (options?: { everywhere?: boolean }) => Promise<void> {
  const queryClient = useQueryClient();
  return async ({ everywhere = false } = {}) => {
    await unsubscribePush().catch(() => {});
    // "Everywhere" ends every browser session of the account (the server bumps
    // its session version and clears this browser's cookie); API keys keep working.
    if (everywhere) await apiFetch("/api/v1/me/sessions", { method: "DELETE" });
    else await signOut();
    queryClient.clear();
    await clearOfflineData().catch(() => {});
    hardNavigate("/sign-in");
  };
}

async function unsubscribePush(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager?.getSubscription();
  if (!subscription) return;
  // While the session still exists, so the server forgets it too.
  await fetch("/api/v1/push/subscriptions", {
    method: "DELETE",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ endpoint: subscription.endpoint }),
    credentials: "same-origin",
  });
  await subscription.unsubscribe();
}
