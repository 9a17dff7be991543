import { createRoomsApi } from "@/clients/sdk-ts/rest";
import { HubError } from "@/clients/sdk-ts/errors";
import type { RoomSeverity, RoomStatus } from "@/clients/sdk-ts/types";

/** The rooms REST client for the web app: same origin, the session cookie authenticates. */
export const roomsApi = createRoomsApi({ baseUrl: "" });

export const SEVERITIES: RoomSeverity[] = ["sev1", "sev2", "sev3", "sev4"];
export const STATUSES: RoomStatus[] = ["investigating", "identified", "monitoring", "resolved"];

export const SEVERITY_LABEL: Record<RoomSeverity, string> = { sev1: "SEV1 · critical", sev2: "SEV2 · major", sev3: "SEV3 · minor", sev4: "SEV4 · low" };
export const STATUS_LABEL: Record<RoomStatus, string> = { investigating: "Investigating", identified: "Identified", monitoring: "Monitoring", resolved: "Resolved" };

/** What to tell a person about a failed call: the hub's detail when it gave one. */
export function errorDetail(error: unknown): string {
  if (error instanceof HubError) return error.problem.detail || error.title;
  return error instanceof Error ? error.message : "Something went wrong";
}

export function requestIdOf(error: unknown): string | null {
  return error instanceof HubError ? (error.problem.requestId ?? null) : null;
}
