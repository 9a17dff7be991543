"use client";

import { useEffect, useRef, useSyncExternalStore } from "react";
import { isTypingTarget, matchSequence, parseHotkey, type KeyEventLike, type KeyStep } from "@/components/hotkeys/keys";

/**
 * Keyboard shortcuts for the whole app, on one keydown listener.
 *
 *   useHotkeys([
 *     { keys: "j", description: "Next message", group: "Inbox", handler: () => move(1) },
 *     { keys: "g i", description: "Go to inbox", group: "Navigation", handler: () => router.push("/inbox") },
 *   ]);
 *
 * Bindings live while the component is mounted and always call its latest
 * handler. Single-key shortcuts ignore key presses in text fields and while a
 * modal dialog is open; set `global` for the few that must work there
 * (mod+k). The "?" dialog lists every binding that is mounted.
 */
export type HotkeyBinding = {
  keys: string;
  description: string;
  group?: string;
  handler: (event: KeyboardEvent) => void;
  /** Works in text fields and dialogs too. */
  global?: boolean;
  enabled?: boolean;
};

type Registered = { id: number; steps: KeyStep[]; binding: HotkeyBinding };

const registry = new Map<number, Registered>();
const listeners = new Set<() => void>();
let snapshot: HotkeyBinding[] = [];
let nextId = 1;
let typed: KeyEventLike[] = [];
let sequenceTimer: ReturnType<typeof setTimeout> | undefined;
const SEQUENCE_TIMEOUT_MS = 1200;

function changed(): void {
  snapshot = [...registry.values()].filter((r) => r.binding.enabled !== false).map((r) => r.binding);
  for (const listener of listeners) listener();
}

function resetSequence(): void {
  typed = [];
  clearTimeout(sequenceTimer);
}

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing || event.repeat) return;
  if (["Shift", "Control", "Meta", "Alt", "CapsLock"].includes(event.key)) return;
  const inField = isTypingTarget(event.target);
  const inDialog = document.querySelector("dialog[open]") !== null;
  const candidates = [...registry.values()].filter((r) => r.binding.enabled !== false && (r.binding.global || (!inField && !inDialog)));
  let result = matchSequence(candidates, typed, event);
  if (!result.matched && !result.pending && typed.length > 0) {
    // The press does not continue the sequence; it may start a new one.
    resetSequence();
    result = matchSequence(candidates, [], event);
  }
  if (result.matched) {
    resetSequence();
    event.preventDefault();
    result.matched.binding.handler(event);
  } else if (result.pending) {
    typed = [...typed, { key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, shiftKey: event.shiftKey }];
    clearTimeout(sequenceTimer);
    sequenceTimer = setTimeout(resetSequence, SEQUENCE_TIMEOUT_MS);
  } else {
    resetSequence();
  }
}

function register(binding: HotkeyBinding): () => void {
  const id = nextId++;
  if (registry.size === 0) window.addEventListener("keydown", onKeyDown);
  registry.set(id, { id, steps: parseHotkey(binding.keys), binding });
  changed();
  return () => {
    registry.delete(id);
    if (registry.size === 0) {
      window.removeEventListener("keydown", onKeyDown);
      resetSequence();
    }
    changed();
  };
}

export function useHotkeys(bindings: HotkeyBinding[]): void {
  const latest = useRef(bindings);
  useEffect(() => {
    latest.current = bindings;
  });
  // Re-register only when the set of keys or their labels change, not on every render.
  const signature = bindings.map((b) => `${b.keys}|${b.description}|${b.group ?? ""}|${b.global ? 1 : 0}|${b.enabled === false ? 0 : 1}`).join("\n");
  useEffect(() => {
    const unregister = latest.current.map((binding, index) =>
      register({ ...binding, handler: (event) => latest.current[index]?.handler(event) }),
    );
    return () => unregister.forEach((off) => off());
  }, [signature]);
}

/** Every mounted, enabled binding, for the shortcuts help dialog. */
export function useRegisteredHotkeys(): HotkeyBinding[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => snapshot,
    () => snapshot,
  );
}

/**
 * Whether this is a Mac-like platform, where mod means ⌘. As a hook it reads
 * false during server rendering and hydration, then the real answer, so the
 * "Ctrl"/"⌘" labels never cause a hydration mismatch.
 */
export function useIsMac(): boolean {
  return useSyncExternalStore(
    () => () => {},
    isMacPlatform,
    () => false,
  );
}

export function isMacPlatform(): boolean {
  if (typeof navigator === "undefined") return false;
  const platform = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ?? navigator.platform ?? "";
  return /mac|iphone|ipad|ipod/i.test(platform);
}
