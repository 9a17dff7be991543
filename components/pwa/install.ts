"use client";

import { useSyncExternalStore } from "react";

/**
 * The browser's install offer. `beforeinstallprompt` can fire before React
 * hydrates, so the inline script in app/layout.tsx keeps it on
 * window.__mhInstallPrompt; this store takes it from there.
 */
type InstallPromptEvent = Event & { prompt: () => Promise<void>; userChoice: Promise<{ outcome: "accepted" | "dismissed" }> };
type WindowWithPrompt = Window & { __mhInstallPrompt?: InstallPromptEvent | null };

const listeners = new Set<() => void>();
let installed = false;

function current(): InstallPromptEvent | null {
  return installed ? null : ((window as WindowWithPrompt).__mhInstallPrompt ?? null);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onPrompt = (event: Event) => {
    event.preventDefault();
    (window as WindowWithPrompt).__mhInstallPrompt = event as InstallPromptEvent;
    for (const l of listeners) l();
  };
  const onInstalled = () => {
    installed = true;
    (window as WindowWithPrompt).__mhInstallPrompt = null;
    for (const l of listeners) l();
  };
  window.addEventListener("beforeinstallprompt", onPrompt);
  window.addEventListener("appinstalled", onInstalled);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("beforeinstallprompt", onPrompt);
    window.removeEventListener("appinstalled", onInstalled);
  };
}

/** `install` when the browser offers installation, else null. */
export function useInstallPrompt(): (() => Promise<void>) | null {
  const event = useSyncExternalStore(subscribe, current, () => null);
  if (!event) return null;
  return async () => {
    await event.prompt();
    const choice = await event.userChoice;
    (window as WindowWithPrompt).__mhInstallPrompt = null;
    if (choice.outcome === "accepted") installed = true;
    for (const l of listeners) l();
  };
}
