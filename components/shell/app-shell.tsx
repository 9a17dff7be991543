"use client";

import { useState, type ReactNode } from "react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { CommandPalette } from "@/components/commands/command-palette";
import { setCommandPaletteOpen, useCommandPaletteOpen, useCommands, type Command } from "@/components/commands/registry";
import { formatHotkey } from "@/components/hotkeys/keys";
import { useHotkeys, useIsMac } from "@/components/hotkeys/use-hotkeys";
import { ServiceWorkerRegistration } from "@/components/pwa/service-worker";
import { useInstallPrompt } from "@/components/pwa/install";
import { NotificationBell } from "@/components/notifications/notification-bell";
import { ConnectionStatus } from "@/components/realtime/connection-status";
import { SETTINGS_SECTIONS } from "@/components/settings/sections";
import { isActive, navItemsFor, type NavItem } from "@/components/shell/nav";
import { GLOBAL_SEARCH_ID, SearchBox, searchHref } from "@/components/shell/search-box";
import { ShortcutsDialog } from "@/components/shell/shortcuts-dialog";
import { THEME_ICONS, THEME_LABELS, ThemeMenu, ThemeSegments } from "@/components/shell/theme-menu";
import { useSignOut } from "@/components/shell/use-sign-out";
import { THEME_CHOICES, setTheme } from "@/components/theme/theme";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Sheet } from "@/components/ui/dialog";
import { Avatar, Kbd } from "@/components/ui/display";
import { ChevronRightIcon, DownloadIcon, KeyboardIcon, KeyIcon, LogOutIcon, LogoMark, MoreIcon, PlusIcon, SettingsIcon, TasksIcon } from "@/components/ui/icons";
import { Menu } from "@/components/ui/menu";

export type ShellUser = { name: string; email: string; role: "admin" | "member" };

/**
 * The frame every signed-in page lives in: a sidebar from 768 px up, a top
 * bar with search, the live-connection status and the theme switch, and a
 * bottom bar on phones. It owns the app-wide hotkeys and commands, the
 * command palette and the shortcuts dialog.
 */
export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const items = navItemsFor(user.role);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  const paletteOpen = useCommandPaletteOpen();
  const install = useInstallPrompt();
  const signOut = useSignOut();

  useHotkeys([
    { keys: "mod+k", description: "Open the command palette", group: "General", global: true, handler: () => setCommandPaletteOpen(!paletteOpen) },
    {
      keys: "/",
      description: "Search messages",
      group: "General",
      handler: () => {
        const input = document.getElementById(GLOBAL_SEARCH_ID) as HTMLInputElement | null;
        input?.focus();
        input?.select();
      },
    },
    { keys: "?", description: "Show keyboard shortcuts", group: "General", handler: () => setShortcutsOpen(true) },
    ...items.map((item) => ({ keys: `g ${item.hotkey}`, description: `Go to ${item.label}`, group: "Navigation", handler: () => router.push(item.href) })),
  ]);

  const commands = ((): Command[] => {
    const list: Command[] = items.map((item) => {
      const Icon = item.icon;
      return { id: `nav.${item.href}`, label: `Go to ${item.label}`, group: "Navigation", href: item.href, hotkey: `g ${item.hotkey}`, keywords: item.keywords, icon: <Icon /> };
    });
    for (const option of THEME_CHOICES) {
      const Icon = THEME_ICONS[option];
      list.push({ id: `theme.${option}`, label: `Theme: ${THEME_LABELS[option]}`, group: "Appearance", keywords: ["dark mode", "light mode", "colour", "color"], icon: <Icon />, run: () => setTheme(option) });
    }
    list.push(
      { id: "tasks.new", label: "New task", group: "Actions", href: "/tasks?new=1", keywords: ["todo", "add task"], icon: <PlusIcon /> },
      { id: "tasks.today", label: "Go to Today", group: "Navigation", href: "/tasks?view=today", keywords: ["tasks", "due today"], icon: <TasksIcon /> },
      { id: "api-keys.create", label: "Create an API key", group: "Actions", href: "/settings/api-keys?create=1", keywords: ["token", "key", "cli"], icon: <KeyIcon /> },
      { id: "shortcuts", label: "Show keyboard shortcuts", group: "Actions", hotkey: "?", icon: <KeyboardIcon />, run: () => setShortcutsOpen(true) },
    );
    if (install) list.push({ id: "pwa.install", label: "Install Message Hub as an app", group: "Actions", icon: <DownloadIcon />, run: () => void install() });
    list.push({ id: "sign-out", label: "Sign out", group: "Account", keywords: ["log out", "logout"], icon: <LogOutIcon />, run: () => void signOut() });
    return list;
  })();
  useCommands(commands);

  const mac = useIsMac();
  return (
    <div className="flex min-h-dvh">
      <a href="#main" className="sr-only z-[70] rounded-md bg-brand-600 px-3 py-2 text-white focus:not-sr-only focus:fixed focus:left-3 focus:top-3">
        Skip to content
      </a>

      <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 flex-col border-r border-slate-200 bg-slate-50/70 md:flex lg:w-64 dark:border-slate-800 dark:bg-slate-900/50">
        <Link href="/inbox" className="flex h-14 items-center gap-2.5 px-4">
          <LogoMark className="size-7" />
          <span className="font-semibold tracking-tight text-slate-900 dark:text-slate-100">Message Hub</span>
        </Link>
        <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-2">
          <ul className="space-y-0.5">
            {items.map((item) => (
              <li key={item.href}>
                <SidebarLink item={item} active={isActive(pathname, item)} />
              </li>
            ))}
          </ul>
        </nav>
        <div className="space-y-2 border-t border-slate-200 p-3 dark:border-slate-800">
          {install ? (
            <Button variant="secondary" className="w-full" icon={<DownloadIcon className="size-4" />} onClick={() => void install()}>
              Install app
            </Button>
          ) : null}
          <UserMenu user={user} onShortcuts={() => setShortcutsOpen(true)} onSignOut={() => void signOut()} />
        </div>
      </aside>

      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur supports-[backdrop-filter]:bg-white/75 dark:border-slate-800 dark:bg-slate-950/90 dark:supports-[backdrop-filter]:bg-slate-950/75">
          <div className="relative flex h-14 items-center gap-2 px-3 md:gap-3 md:px-6">
            <Link href="/inbox" className="shrink-0 md:hidden" aria-label="Message Hub, go to inbox">
              <LogoMark className="size-8" />
            </Link>
            <SearchBox className="min-w-0 flex-1 md:max-w-md" />
            <ConnectionStatus className="absolute left-1/2 top-full mt-2 -translate-x-1/2 sm:static sm:mt-0 sm:translate-x-0" />
            <div className="ml-auto flex shrink-0 items-center gap-1">
              <Button variant="ghost" size="sm" className="text-slate-600 max-md:hidden dark:text-slate-400" onClick={() => setCommandPaletteOpen(true)} aria-label="Open the command palette">
                <span className="flex gap-0.5" aria-hidden="true">
                  {formatHotkey("mod+k", mac)[0]!.map((key) => (
                    <Kbd key={key}>{key}</Kbd>
                  ))}
                </span>
              </Button>
              <NotificationBell />
              <ThemeMenu />
            </div>
          </div>
        </header>

        <main id="main" tabIndex={-1} className="flex-1 pb-[calc(4.5rem+env(safe-area-inset-bottom))] outline-none md:pb-0">
          {children}
        </main>
      </div>

      <nav aria-label="Main" className="fixed inset-x-0 bottom-0 z-40 border-t border-slate-200 bg-white/95 pb-[env(safe-area-inset-bottom)] backdrop-blur md:hidden dark:border-slate-800 dark:bg-slate-950/95">
        <ul className="grid grid-cols-5">
          {items
            .filter((item) => item.bottomBar)
            .map((item) => (
              <li key={item.href}>
                <BottomLink item={item} active={isActive(pathname, item)} />
              </li>
            ))}
          <li>
            <button
              type="button"
              onClick={() => setMoreOpen(true)}
              aria-haspopup="dialog"
              aria-expanded={moreOpen}
              className={cx(
                "flex h-16 w-full flex-col items-center justify-center gap-1 text-[11px] font-medium",
                items.some((item) => !item.bottomBar && isActive(pathname, item)) ? "text-brand-700 dark:text-brand-300" : "text-slate-500 dark:text-slate-400",
              )}
            >
              <MoreIcon className="size-6" />
              More
            </button>
          </li>
        </ul>
      </nav>

      <Sheet open={moreOpen} onClose={() => setMoreOpen(false)} title="More">
        <div className="space-y-5">
          <div className="flex items-center gap-3">
            <Avatar name={user.name} />
            <div className="min-w-0">
              <p className="truncate text-sm font-medium text-slate-900 dark:text-slate-100">{user.name}</p>
              <p className="truncate text-sm text-slate-500 dark:text-slate-400">{user.email}</p>
            </div>
          </div>
          <ul className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {items
              .filter((item) => !item.bottomBar)
              .map((item) => {
                const Icon = item.icon;
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      onClick={() => setMoreOpen(false)}
                      aria-current={isActive(pathname, item) ? "page" : undefined}
                      className="flex items-center gap-3 px-4 py-3.5 text-sm font-medium text-slate-800 hover:bg-slate-50 dark:text-slate-200 dark:hover:bg-slate-800/60"
                    >
                      <Icon className="size-5 text-slate-500 dark:text-slate-400" />
                      <span className="flex-1">{item.label}</span>
                      <ChevronRightIcon className="size-4 text-slate-400" />
                    </Link>
                  </li>
                );
              })}
          </ul>
          <div>
            <p className="mb-2 text-sm font-medium text-slate-700 dark:text-slate-300">Theme</p>
            <ThemeSegments />
          </div>
          {install ? (
            <Button variant="secondary" className="w-full" icon={<DownloadIcon className="size-4" />} onClick={() => void install()}>
              Install app
            </Button>
          ) : null}
          <Button variant="secondary" className="w-full" icon={<LogOutIcon className="size-4" />} onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </Sheet>

      <CommandPalette searchHref={searchHref} />
      <ShortcutsDialog open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
      <ServiceWorkerRegistration />
    </div>
  );
}

function SidebarLink({ item, active }: { item: NavItem; active: boolean }) {
  const Icon = item.icon;
  return (
    <Link
      href={item.href}
      aria-current={active ? "page" : undefined}
      className={cx(
        "group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors",
        active ? "bg-white text-brand-700 shadow-sm ring-1 ring-slate-200 dark:bg-slate-800 dark:text-brand-300 dark:ring-slate-700" : "text-slate-700 hover:bg-slate-200/60 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800/70 dark:hover:text-slate-100",
      )}
    >
      <Icon className={cx("size-5", active ? "text-brand-600 dark:text-brand-400" : "text-slate-500 group-hover:text-slate-700 dark:text-slate-400 dark:group-hover:text-slate-200")} />
      {item.label}
    </Link>
  );
}

function BottomLink({ item, active }: { item: NavItem; active: boolean }) {
  const Icon = item.icon;
  return (
    <Link
      href={item.href}
      aria-current={active ? "page" : undefined}
      className={cx("flex h-16 flex-col items-center justify-center gap-1 text-[11px] font-medium", active ? "text-brand-700 dark:text-brand-300" : "text-slate-500 dark:text-slate-400")}
    >
      <span className={cx("flex h-7 w-12 items-center justify-center rounded-full transition-colors", active && "bg-brand-100 dark:bg-brand-900/60")}>
        <Icon className="size-5" />
      </span>
      {item.label}
    </Link>
  );
}

function UserMenu({ user, onShortcuts, onSignOut }: { user: ShellUser; onShortcuts: () => void; onSignOut: () => void }) {
  const router = useRouter();
  return (
    <Menu
      label="Account"
      placement="top"
      align="start"
      trigger={(props) => (
        <button {...props} type="button" className="flex w-full items-center gap-3 rounded-lg p-2 text-left hover:bg-slate-200/60 dark:hover:bg-slate-800/70" aria-label={`Account: ${user.name}`}>
          <Avatar name={user.name} size="sm" />
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium text-slate-900 dark:text-slate-100">{user.name}</span>
            <span className="block truncate text-xs text-slate-500 dark:text-slate-400">{user.email}</span>
          </span>
        </button>
      )}
      items={[
        { kind: "label", label: user.role === "admin" ? "Administrator" : "Member" },
        { label: "Settings", icon: <SettingsIcon />, onSelect: () => router.push(SETTINGS_SECTIONS[0]!.href) },
        { label: "Keyboard shortcuts", icon: <KeyboardIcon />, hint: "?", onSelect: onShortcuts },
        { kind: "separator" },
        { label: "Sign out", icon: <LogOutIcon />, onSelect: onSignOut },
      ]}
    />
  );
}

