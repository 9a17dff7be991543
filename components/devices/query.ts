import { apiFetch } from "@/lib/http/api-client";
import type { DeviceView } from "@/lib/devices/schemas";
import { queryKeys } from "@/lib/query-keys";

/** The user's devices, as the devices page and the inbox's device filter both read them. */
export function devicesQuery(initialDevices: DeviceView[]) {
  return {
    queryKey: queryKeys.devices.list(),
    queryFn: async ({ signal }: { signal: AbortSignal }) => (await apiFetch<{ data: DeviceView[] }>("/api/v1/devices?limit=500", { signal })).data,
    initialData: initialDevices,
  };
}
