import { BellIcon, ClockIcon, ContrastIcon, DownloadIcon, KeyIcon, ShieldIcon, SmartphoneIcon, UserIcon, WebhookIcon, type IconComponent } from "@/components/ui/icons";

/**
 * The settings pages, in the order they appear. A feature that adds a page
 * under app/(app)/settings/ adds its entry here at its place in this order:
 * Profile, Security, Appearance, API keys, Webhooks, Devices, Phone numbers, Notifications,
 * Retention, Export. Only pages that exist are listed.
 */
export type SettingsSection = { href: string; label: string; description: string; icon: IconComponent; adminOnly?: boolean };

export const SETTINGS_SECTIONS: SettingsSection[] = [
  { href: "/settings/profile", label: "Profile", description: "Name, time zone and password", icon: UserIcon },
  { href: "/settings/security", label: "Security", description: "Two-factor sign-in and sessions", icon: ShieldIcon },
  { href: "/settings/appearance", label: "Appearance", description: "Theme", icon: ContrastIcon },
  { href: "/settings/api-keys", label: "API keys", description: "Keys for devices, the CLI and scripts", icon: KeyIcon },
  { href: "/settings/webhooks", label: "Webhooks", description: "Send hub events to your own endpoints", icon: WebhookIcon },
  { href: "/settings/devices", label: "Devices", description: "Phones and scripts that forward messages", icon: SmartphoneIcon },
  { href: "/settings/phone-numbers", label: "Phone numbers", description: "Numbers whose texts reach your inbox, and SMS usage", icon: SmartphoneIcon },
  { href: "/settings/notifications", label: "Notifications", description: "Channels per notification, quiet hours, digests, push", icon: BellIcon },
  { href: "/settings/retention", label: "Retention", description: "How long messages are kept", icon: ClockIcon },
  { href: "/settings/export", label: "Export", description: "Download your messages", icon: DownloadIcon },
  { href: "/settings/mailbox", label: "Dev mailbox", description: "Email kept while no SMTP server is set", icon: BellIcon, adminOnly: true },
];

export function settingsSectionsFor(role: "admin" | "member"): SettingsSection[] {
  return SETTINGS_SECTIONS.filter((section) => !section.adminOnly || role === "admin");
}
