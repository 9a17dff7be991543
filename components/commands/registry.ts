"use client";

import { useEffect, useRef, useSyncExternalStore, type ReactNode } from "react";

/**
 * What the command palette (Ctrl/⌘-K) offers. The shell registers navigation
 * and app-wide actions; a feature registers its own while its page is
 * mounted:
 *
 *   useCommands([{ id: "inbox.mark-all-read", label: "Mark all as read", group: "Inbox", run: markAll }]);
 *
 * A command either navigates (`href`) or runs (`run`).
 */
export type Command = {
  id: string;
  label: string;
  group: string;
  keywords?: string[];
  icon?: ReactNode;
  /** A hotkey that does the same, shown beside the command ("g i"). */
  hotkey?: string;
} & ({ href: string; run?: never } | { run: () => void; href?: never });

const sources = new Map<number, () => Command[]>();
const listeners = new Set<() => void>();
let nextId = 1;
let snapshot: Command[] = [];

function rebuild(): void {
  const seen = new Set<string>();
  snapshot = [];
  for (const get of sources.values()) {
    for (const command of get()) {
      if (seen.has(command.id)) continue;
      seen.add(command.id);
      snapshot.push(command);
    }
  }
  for (const listener of listeners) listener();
}

/** Adds commands until the returned function is called. */
export function registerCommands(get: () => Command[]): () => void {
  const id = nextId++;
  sources.set(id, get);
  rebuild();
  return () => {
    sources.delete(id);
    rebuild();
  };
}

/** Registers `commands` while the calling component is mounted; each runs the latest closure. */
export function useCommands(commands: Command[]): void {
  const latest = useRef(commands);
  useEffect(() => {
    latest.current = commands;
  });
  const signature = commands.map((c) => `${c.id}|${c.label}|${c.group}|${c.href ?? ""}|${c.hotkey ?? ""}|${(c.keywords ?? []).join(",")}`).join("\n");
  useEffect(
    () =>
      registerCommands(() =>
        latest.current.map((command): Command =>
          command.run ? { ...command, run: () => latest.current.find((c) => c.id === command.id)?.run?.() } : command,
        ),
      ),
    [signature],
  );
}

export function useCommandList(): Command[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => snapshot,
    () => snapshot,
  );
}

/** Ranks commands for a query: every word must appear; earlier and word-start matches rank higher. */
export function filterCommands(commands: Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return commands;
  const scored: Array<{ command: Command; score: number }> = [];
  for (const command of commands) {
    const label = command.label.toLowerCase();
    const haystack = `${label} ${command.group.toLowerCase()} ${(command.keywords ?? []).join(" ").toLowerCase()}`;
    let score = 0;
    let ok = true;
    for (const word of words) {
      const at = haystack.indexOf(word);
      if (at === -1) {
        ok = false;
        break;
      }
      if (label.startsWith(word)) score += 3;
      else if (label.includes(` ${word}`)) score += 2;
      else if (at < label.length) score += 1;
    }
    if (ok) scored.push({ command, score });
  }
  return scored.sort((a, b) => b.score - a.score).map((entry) => entry.command);
}

// The palette's open state, so any component (a button, a hotkey) can open it.
let paletteOpen = false;
const paletteListeners = new Set<() => void>();

export function setCommandPaletteOpen(open: boolean): void {
  paletteOpen = open;
  for (const listener of paletteListeners) listener();
}

export function useCommandPaletteOpen(): boolean {
  return useSyncExternalStore(
    (listener) => {
      paletteListeners.add(listener);
      return () => paletteListeners.delete(listener);
    },
    () => paletteOpen,
    () => false,
  );
}
