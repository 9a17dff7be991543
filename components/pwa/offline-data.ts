/**
 * Data the offline page shows when the network is down. A page hands a small
 * JSON snapshot to the service worker, which keeps it in Cache Storage
 * ("mh-offline-data"); public/offline.html reads it from there.
 *
 *   saveForOffline("last-inbox", { savedAt: new Date().toISOString(), messages: [...] });
 *
 * Only the names below are accepted, and only what the page chooses to hand
 * over is stored: never an API response as such. Sign-out clears it.
 */
export type OfflineInboxMessage = { id: string; sender: string; preview: string; receivedAt: string; read?: boolean; type?: string; device?: string };
export type OfflineSnapshots = { "last-inbox": { savedAt: string; messages: OfflineInboxMessage[] } };

export const OFFLINE_DATA_CACHE = "mh-offline-data";

export async function saveForOffline<K extends keyof OfflineSnapshots>(name: K, data: OfflineSnapshots[K]): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  registration?.active?.postMessage({ type: "save-offline-data", name, data });
}

/** Forgets every snapshot (sign-out), through the worker and directly, in case no worker is running. */
export async function clearOfflineData(): Promise<void> {
  if (!("caches" in window)) return;
  const registration = "serviceWorker" in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
  registration?.active?.postMessage({ type: "clear-offline-data" });
  await caches.delete(OFFLINE_DATA_CACHE);
}
