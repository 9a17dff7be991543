import type { DeviceStatus } from "@/lib/devices/schemas";

/**
 * A device's liveness from when it was last heard from (a heartbeat or a
 * forwarded message). Forwarder apps that send no heartbeat still count as
 * online while messages arrive.
 */
export const ONLINE_WITHIN_MS = 5 * 60_000;
export const STALE_WITHIN_MS = 60 * 60_000;

export function deviceStatus(lastSeenAt: Date | null, now = new Date()): DeviceStatus {
  if (!lastSeenAt) return "offline";
  const age = now.getTime() - lastSeenAt.getTime();
  if (age <= ONLINE_WITHIN_MS) return "online";
  if (age <= STALE_WITHIN_MS) return "stale";
  return "offline";
}
