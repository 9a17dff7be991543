"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { TabNav } from "@/components/ui/tab-nav";

export const ANALYTICS_SECTIONS = [
  { href: "/analytics", label: "Messages" },
  { href: "/analytics/devices", label: "Devices" },
  { href: "/analytics/sms", label: "SMS" },
  { href: "/analytics/rooms", label: "Rooms" },
  { href: "/analytics/tasks", label: "Tasks" },
  { href: "/analytics/users", label: "Users" },
  { href: "/analytics/system", label: "System" },
] as const;

/** The analytics sections as tabs that keep the chosen range (SMS has its own). */
export function AnalyticsNav() {
  const pathname = usePathname();
  const params = useSearchParams();
  const range = params.get("from") && params.get("to") ? `?from=${params.get("from")}&to=${params.get("to")}` : "";
  const tabs = ANALYTICS_SECTIONS.map((section) => ({
    label: section.label,
    href: section.href === "/analytics/sms" ? section.href : `${section.href}${range}`,
    active: pathname === section.href,
  }));
  return <TabNav label="Analytics sections" tabs={tabs} className="mb-5" />;
}
