"use client";

import { THEME_CHOICES, useTheme, type ThemeChoice } from "@/components/theme/theme";
import { IconButton } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { MonitorIcon, MoonIcon, SunIcon } from "@/components/ui/icons";
import { Menu } from "@/components/ui/menu";

export const THEME_LABELS: Record<ThemeChoice, string> = { light: "Light", dark: "Dark", system: "System" };
export const THEME_ICONS = { light: SunIcon, dark: MoonIcon, system: MonitorIcon };

/** The header's theme switch: an icon for the current theme, opening Light / Dark / System. */
export function ThemeMenu() {
  const { choice, resolved, setTheme } = useTheme();
  const Current = resolved === "dark" ? MoonIcon : SunIcon;
  return (
    <Menu
      label="Theme"
      trigger={(props) => (
        <IconButton label={`Theme: ${THEME_LABELS[choice]}`} {...props}>
          <Current className="size-5" />
        </IconButton>
      )}
      items={THEME_CHOICES.map((option) => {
        const Icon = THEME_ICONS[option];
        return { label: THEME_LABELS[option], icon: <Icon />, checked: choice === option, onSelect: () => setTheme(option) };
      })}
    />
  );
}

/** The same choice as three segments, for the phone's More sheet and the Appearance page's compact spots. */
export function ThemeSegments({ className }: { className?: string }) {
  const { choice, setTheme } = useTheme();
  return (
    <div role="radiogroup" aria-label="Theme" className={cx("grid grid-cols-3 gap-1 rounded-lg bg-slate-100 p-1 dark:bg-slate-800", className)}>
      {THEME_CHOICES.map((option) => {
        const Icon = THEME_ICONS[option];
        const selected = choice === option;
        return (
          <button
            key={option}
            type="button"
            role="radio"
            aria-checked={selected}
            onClick={() => setTheme(option)}
            className={cx(
              "flex h-9 items-center justify-center gap-1.5 rounded-md text-sm font-medium transition-colors",
              selected ? "bg-white text-slate-900 shadow-sm dark:bg-slate-950 dark:text-slate-50" : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100",
            )}
          >
            <Icon className="size-4" />
            {THEME_LABELS[option]}
          </button>
        );
      })}
    </div>
  );
}
