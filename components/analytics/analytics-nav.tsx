"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { cx } from "@/components/ui/cx";

export const ANALYTICS_SECTIONS = [
  { href: "/analytics", label: "Messages" },
  { href: "/analytics/devices", label: "Devices" },
  { href: "/analytics/sms", label: "SMS" },
  { href: "/analytics/rooms", label: "Rooms" },
  { href: "/analytics/tasks", label: "Tasks" },
  { href: "/analytics/users", label: "Users" },
  { href: "/analytics/system", label: "System" },
] as const;

/** The analytics sections as tabs that keep the chosen range; a row that scrolls sideways on a phone. */
export function AnalyticsNav() {
  const pathname = usePathname();
  const params = useSearchParams();
  const range = params.get("from") && params.get("to") ? `?from=${params.get("from")}&to=${params.get("to")}` : "";
  return (
    <nav aria-label="Analytics sections" className="-mx-4 mb-5 overflow-x-auto border-b border-slate-200 px-4 md:mx-0 md:px-0 dark:border-slate-800">
      <ul className="flex gap-1">
        {ANALYTICS_SECTIONS.map((section) => {
          const active = pathname === section.href;
          return (
            <li key={section.href} className="shrink-0">
              <Link
                href={section.href === "/analytics/sms" ? section.href : `${section.href}${range}`}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "-mb-px inline-flex border-b-2 px-3 py-2.5 text-sm font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-brand-600",
                  active
                    ? "border-brand-600 text-brand-700 dark:border-brand-400 dark:text-brand-300"
                    : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100",
                )}
              >
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
