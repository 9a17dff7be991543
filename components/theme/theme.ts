"use client";

import { useSyncExternalStore } from "react";

/**
 * The colour theme: light, dark, or whatever the system says. The choice is
 * kept in localStorage under "theme" (the inline script in app/layout.tsx
 * applies it before first paint, so there is no flash) and the resolved
 * theme is the `dark` class on <html>, which Tailwind's dark: variant reads.
 */
export type ThemeChoice = "light" | "dark" | "system";
export const THEME_CHOICES: ThemeChoice[] = ["light", "dark", "system"];

const STORAGE_KEY = "theme";
const BAR_COLOURS = { light: "#ffffff", dark: "#0b1220" };
const listeners = new Set<() => void>();

function systemDark(): boolean {
  return window.matchMedia("(prefers-color-scheme: dark)").matches;
}

export function readTheme(): ThemeChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system";
  }
}

function apply(choice: ThemeChoice): void {
  const dark = choice === "dark" || (choice === "system" && systemDark());
  document.documentElement.classList.toggle("dark", dark);
  // The browser's own bars follow the chosen theme, not only the system's.
  for (const meta of document.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"]')) {
    meta.content = choice === "system" ? (meta.media.includes("dark") ? BAR_COLOURS.dark : BAR_COLOURS.light) : BAR_COLOURS[choice];
  }
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  apply(choice);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = window.matchMedia("(prefers-color-scheme: dark)");
  const onSystem = () => {
    if (readTheme() === "system") apply("system");
    listener();
  };
  // Another tab changed the theme.
  const onStorage = (event: StorageEvent) => {
    if (event.key !== STORAGE_KEY && event.key !== null) return;
    apply(readTheme());
    listener();
  };
  media.addEventListener("change", onSystem);
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    media.removeEventListener("change", onSystem);
    window.removeEventListener("storage", onStorage);
  };
}

/** The stored choice and the theme it resolves to; re-renders when either changes. */
export function useTheme(): { choice: ThemeChoice; resolved: "light" | "dark"; setTheme: (choice: ThemeChoice) => void } {
  const choice = useSyncExternalStore(subscribe, readTheme, () => "system" as ThemeChoice);
  const dark = useSyncExternalStore(
    subscribe,
    () => document.documentElement.classList.contains("dark"),
    () => false,
  );
  return { choice, resolved: dark ? "dark" : "light", setTheme };
}
