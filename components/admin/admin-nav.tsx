"use client";

import { usePathname } from "next/navigation";
import { TabNav } from "@/components/ui/tab-nav";

export const ADMIN_SECTIONS = [
  { href: "/admin/users", label: "Users" },
  { href: "/admin/invites", label: "Invites" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/jobs", label: "Jobs" },
] as const;

/** The admin area's tabs. */
export function AdminNav() {
  const pathname = usePathname();
  const tabs = ADMIN_SECTIONS.map((section) => ({ ...section, active: pathname === section.href || pathname.startsWith(`${section.href}/`) }));
  return <TabNav label="Admin" tabs={tabs} />;
}
