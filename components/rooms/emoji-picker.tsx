"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { cx } from "@/components/ui/cx";

export const REACTION_EMOJI = ["👍", "👎", "❤️", "🎉", "😄", "😕", "👀", "🚀", "✅", "🔥", "🙏", "⚠️"];

/**
 * The reaction picker: a button that opens a small grid of emoji. Arrow keys
 * move in the grid, Enter or Space picks, Esc closes and returns focus.
 */
export function EmojiPicker({ onPick, label, className }: { onPick: (emoji: string) => void; label: string; className?: string }) {
  const [open, setOpen] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    gridRef.current?.querySelector<HTMLButtonElement>("button")?.focus();
    const onDown = (event: PointerEvent) => {
      if (!wrapperRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    triggerRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = Array.from(gridRef.current?.querySelectorAll<HTMLButtonElement>("button") ?? []);
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 6, ArrowUp: -6 }[event.key];
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (move !== undefined) {
      event.preventDefault();
      buttons[(index + move + buttons.length) % buttons.length]?.focus();
    } else if (event.key === "Tab") {
      setOpen(false);
    }
  };

  return (
    <div ref={wrapperRef} className={cx("relative", className)}>
      <button
        ref={triggerRef}
        type="button"
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen((value) => !value)}
        className="flex h-7 items-center rounded-md px-1.5 text-sm text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-brand-500 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100"
      >
        <span aria-hidden="true">☺︎+</span>
      </button>
      {open ? (
        <div
          ref={gridRef}
          id={id}
          role="group"
          aria-label="Pick a reaction"
          onKeyDown={onKeyDown}
          className="absolute bottom-full left-0 z-20 mb-1 grid w-max grid-cols-6 gap-1 rounded-xl border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {REACTION_EMOJI.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-label={`React with ${emoji}`}
              onClick={() => {
                onPick(emoji);
                close();
              }}
              className="flex size-9 items-center justify-center rounded-lg text-lg hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500 dark:hover:bg-slate-800 dark:focus-visible:bg-slate-800"
            >
              {emoji}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
