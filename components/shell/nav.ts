import { SETTINGS_SECTIONS } from "@/components/settings/sections";
import { BellIcon, ChartIcon, ClockIcon, InboxIcon, RoomsIcon, SettingsIcon, ShieldIcon, TasksIcon, type IconComponent } from "@/components/ui/icons";

/**
 * The app's sections, in order. The sidebar, the phone's bottom bar, the
 * command palette and the g-then-letter hotkeys all read this list.
 */
export type NavItem = {
  /** Where the link goes: the section's first page, so a click costs no redirect. */
  href: string;
  /** The path the section's pages live under, when it is not `href`. */
  section?: string;
  label: string;
  icon: IconComponent;
  /** "g" then this letter goes here. */
  hotkey: string;
  adminOnly?: boolean;
  /** Shown in the phone's bottom bar (the rest are under "More"). */
  bottomBar: boolean;
  keywords?: string[];
};

export const NAV_ITEMS: NavItem[] = [
  { href: "/inbox", label: "Inbox", icon: InboxIcon, hotkey: "i", bottomBar: true, keywords: ["messages", "sms"] },
  { href: "/rooms", label: "Rooms", icon: RoomsIcon, hotkey: "r", bottomBar: true, keywords: ["incidents", "chat"] },
  { href: "/tasks", label: "Tasks", icon: TasksIcon, hotkey: "t", bottomBar: true, keywords: ["todo", "reminders"] },
  { href: "/notifications", label: "Notifications", icon: BellIcon, hotkey: "n", bottomBar: true, keywords: ["alerts"] },
  { href: "/insights", label: "Insights", icon: ClockIcon, hotkey: "y", bottomBar: false, keywords: ["my stats", "patterns", "charts"] },
  { href: "/analytics", label: "Analytics", icon: ChartIcon, hotkey: "a", adminOnly: true, bottomBar: false, keywords: ["stats", "charts", "admin"] },
  { href: "/admin/users", section: "/admin", label: "Admin", icon: ShieldIcon, hotkey: "d", adminOnly: true, bottomBar: false, keywords: ["users", "invites", "audit log", "roles"] },
  { href: SETTINGS_SECTIONS[0]!.href, section: "/settings", label: "Settings", icon: SettingsIcon, hotkey: "s", bottomBar: false, keywords: ["preferences", "api keys", "appearance"] },
];

export function navItemsFor(role: "admin" | "member"): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.adminOnly || role === "admin");
}

/** Whether `pathname` is inside the item's section. */
export function isActive(pathname: string, item: Pick<NavItem, "href" | "section">): boolean {
  const section = item.section ?? item.href;
  return pathname === section || pathname.startsWith(`${section}/`);
}
