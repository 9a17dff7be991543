import type { RoomSeverity, RoomStatus } from "@/clients/sdk-ts/types";
import { Badge, type Tone } from "@/components/ui/display";
import { STATUS_LABEL } from "@/components/rooms/api";

const SEVERITY_TONE: Record<RoomSeverity, Tone> = { sev1: "danger", sev2: "warning", sev3: "brand", sev4: "neutral" };
const STATUS_TONE: Record<RoomStatus, Tone> = { investigating: "danger", identified: "warning", monitoring: "brand", resolved: "success" };

export function SeverityBadge({ severity }: { severity: RoomSeverity }) {
  return (
    <Badge tone={SEVERITY_TONE[severity]} className="font-mono uppercase">
      <span className="sr-only">Severity </span>
      {severity}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: RoomStatus }) {
  return (
    <Badge tone={STATUS_TONE[status]}>
      <span className="sr-only">Status </span>
      {STATUS_LABEL[status]}
    </Badge>
  );
}
