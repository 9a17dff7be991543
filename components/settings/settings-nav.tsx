"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { settingsSectionsFor } from "@/components/settings/sections";
import { cx } from "@/components/ui/cx";

/** Settings' own navigation: a column beside the page on desktop, a scrolling row of tabs on phones. */
export function SettingsNav({ role }: { role: "admin" | "member" }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="-mx-4 overflow-x-auto px-4 md:mx-0 md:overflow-visible md:px-0">
      <ul className="flex gap-1 md:flex-col">
        {settingsSectionsFor(role).map((section) => {
          const active = pathname === section.href || pathname.startsWith(`${section.href}/`);
          const Icon = section.icon;
          return (
            <li key={section.href} className="shrink-0">
              <Link
                href={section.href}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "flex items-center gap-2.5 rounded-lg px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors",
                  active
                    ? "bg-brand-50 text-brand-700 ring-1 ring-brand-600/15 dark:bg-brand-950 dark:text-brand-300 dark:ring-brand-400/25"
                    : "text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800/70 dark:hover:text-slate-100",
                )}
              >
                <Icon className="hidden size-4 md:block" />
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
