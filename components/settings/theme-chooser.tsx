"use client";

import { THEME_LABELS } from "@/components/shell/theme-menu";
import { THEME_CHOICES, useTheme, type ThemeChoice } from "@/components/theme/theme";
import { cx } from "@/components/ui/cx";

const DESCRIPTIONS: Record<ThemeChoice, string> = {
  light: "Dark text on light backgrounds.",
  dark: "Light text on dark backgrounds; easier on the eyes at night.",
  system: "Follows your device, switching when it does.",
};

/** Light, dark or system, as three radio cards with a miniature of each. */
export function ThemeChooser() {
  const { choice, setTheme } = useTheme();
  return (
    <fieldset>
      <legend className="sr-only">Theme</legend>
      <div className="grid grid-cols-3 gap-2 sm:gap-3">
        {THEME_CHOICES.map((option) => (
          <label
            key={option}
            className={cx(
              "group relative cursor-pointer rounded-xl border p-2 transition-colors sm:p-3 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500",
              choice === option ? "border-brand-500 bg-brand-50/60 ring-1 ring-brand-500 dark:border-brand-400 dark:bg-brand-950/40 dark:ring-brand-400" : "border-slate-200 hover:border-slate-300 dark:border-slate-700 dark:hover:border-slate-600",
            )}
          >
            <input type="radio" name="theme" value={option} checked={choice === option} onChange={() => setTheme(option)} className="sr-only" />
            <Preview variant={option} />
            <span className="mt-2 block text-sm font-medium sm:mt-3 text-slate-900 dark:text-slate-100">{THEME_LABELS[option]}</span>
            <span className="mt-0.5 block text-xs text-slate-500 max-sm:hidden dark:text-slate-400">{DESCRIPTIONS[option]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Preview({ variant }: { variant: ThemeChoice }) {
  const pane = (dark: boolean, className?: string) => (
    <div className={cx("flex h-full gap-1.5 p-2", dark ? "bg-slate-900" : "bg-white", className)}>
      <div className={cx("w-1/4 space-y-1 rounded", dark ? "bg-slate-800" : "bg-slate-100")}>
        <div className="mx-1 mt-1.5 h-1 rounded bg-brand-500" />
        <div className={cx("mx-1 h-1 rounded", dark ? "bg-slate-600" : "bg-slate-300")} />
      </div>
      <div className="flex-1 space-y-1.5 pt-0.5">
        <div className={cx("h-1.5 w-2/3 rounded", dark ? "bg-slate-500" : "bg-slate-400")} />
        <div className={cx("h-1.5 w-full rounded", dark ? "bg-slate-700" : "bg-slate-200")} />
        <div className={cx("h-1.5 w-5/6 rounded", dark ? "bg-slate-700" : "bg-slate-200")} />
      </div>
    </div>
  );
  return (
    <div aria-hidden="true" className="h-14 overflow-hidden sm:h-20 rounded-lg border border-slate-200 dark:border-slate-700">
      {variant === "system" ? (
        <div className="relative h-full">
          {pane(false)}
          <div className="absolute inset-0 [clip-path:polygon(100%_0,100%_100%,0_100%)]">{pane(true)}</div>
        </div>
      ) : (
        pane(variant === "dark")
      )}
    </div>
  );
}
