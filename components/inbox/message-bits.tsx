import type { MessageType, Priority } from "@/lib/messages/schemas";
import { Badge, type Tone } from "@/components/ui/display";
import { BellIcon, InboxIcon, RoomsIcon, SmartphoneIcon } from "@/components/ui/icons";

/** Small shared pieces of a message row and the detail view. */
export const TYPE_LABELS: Record<MessageType, string> = {
  sms: "SMS",
  mms: "MMS",
  notification: "Notification",
  call: "Call",
  email: "Email",
  chat: "Chat",
  other: "Other",
};

export function TypeIcon({ type, className }: { type: string; className?: string }) {
  const label = TYPE_LABELS[type as MessageType] ?? type;
  const Icon = type === "notification" ? BellIcon : type === "call" ? SmartphoneIcon : type === "chat" || type === "sms" || type === "mms" ? RoomsIcon : InboxIcon;
  return (
    <span title={label} className="inline-flex">
      <Icon className={className ?? "size-4"} aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  );
}

const PRIORITY_TONES: Record<Priority, Tone> = { low: "neutral", normal: "neutral", high: "warning", urgent: "danger" };

export function PriorityBadge({ priority }: { priority: string }) {
  if (priority === "normal") return null;
  return <Badge tone={PRIORITY_TONES[priority as Priority] ?? "neutral"}>{priority}</Badge>;
}
