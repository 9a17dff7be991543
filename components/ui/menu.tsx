"use client";

import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { cx } from "@/components/ui/cx";

export type MenuItem =
  | { kind?: "item"; label: string; icon?: ReactNode; onSelect: () => void; danger?: boolean; checked?: boolean; hint?: ReactNode }
  | { kind: "separator" }
  | { kind: "label"; label: string };

type TriggerProps = {
  ref: React.RefObject<HTMLButtonElement | null>;
  "aria-haspopup": "menu";
  "aria-expanded": boolean;
  "aria-controls": string;
  onClick: () => void;
  onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
};

/**
 * A menu button (WAI-ARIA menu pattern): the trigger opens a list of
 * actions; arrows, Home and End move between them; Enter or Space picks
 * one; Esc and Tab close it and focus returns to the trigger. Items with
 * `checked` render as menuitemradio (a choice among several).
 */
export function Menu({ trigger, items, align = "end", placement = "bottom", label }: { trigger: (props: TriggerProps) => ReactNode; items: MenuItem[]; align?: "start" | "end"; placement?: "bottom" | "top"; label: string }) {
  const [open, setOpen] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const focusIndex = useRef(0);

  const itemEls = useCallback(() => Array.from(listRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []), []);
  const focusItem = useCallback(
    (index: number) => {
      const els = itemEls();
      if (els.length === 0) return;
      const next = (index + els.length) % els.length;
      focusIndex.current = next;
      els[next]?.focus();
    },
    [itemEls],
  );

  useEffect(() => {
    if (!open) return;
    const checkedIndex = itemEls().findIndex((el) => el.getAttribute("aria-checked") === "true");
    focusItem(focusIndex.current === -1 ? itemEls().length - 1 : checkedIndex >= 0 ? checkedIndex : 0);
    const onPointer = (event: PointerEvent) => {
      if (!wrapperRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open, focusItem, itemEls]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) triggerRef.current?.focus();
  };

  const onTriggerKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      focusIndex.current = event.key === "ArrowUp" ? -1 : 0;
      setOpen(true);
    }
  };

  const onListKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const { key } = event;
    if (key === "ArrowDown") focusItem(focusIndex.current + 1);
    else if (key === "ArrowUp") focusItem(focusIndex.current - 1);
    else if (key === "Home") focusItem(0);
    else if (key === "End") focusItem(itemEls().length - 1);
    else if (key === "Escape") close(true);
    else if (key === "Tab") return close(false);
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  let actionIndex = -1;
  return (
    <div ref={wrapperRef} className="relative">
      {trigger({
        ref: triggerRef,
        "aria-haspopup": "menu",
        "aria-expanded": open,
        "aria-controls": menuId,
        onClick: () => {
          focusIndex.current = 0;
          setOpen((value) => !value);
        },
        onKeyDown: onTriggerKey,
      })}
      {open ? (
        <div
          ref={listRef}
          id={menuId}
          role="menu"
          aria-label={label}
          onKeyDown={onListKey}
          className={cx(
            "absolute z-50 min-w-52 rounded-xl border border-slate-200 bg-white p-1 shadow-lg ring-1 ring-black/5 dark:border-slate-700 dark:bg-slate-900",
            align === "end" ? "right-0" : "left-0",
            placement === "bottom" ? "top-full mt-1.5" : "bottom-full mb-1.5",
          )}
        >
          {items.map((item, index) => {
            if (item.kind === "separator") return <div key={index} role="separator" className="my-1 h-px bg-slate-200 dark:bg-slate-800" />;
            if (item.kind === "label")
              return (
                <div key={index} className="px-2.5 pb-1 pt-2 text-xs font-medium text-slate-500 dark:text-slate-400">
                  {item.label}
                </div>
              );
            actionIndex++;
            const position = actionIndex;
            const radio = item.checked !== undefined;
            return (
              <div
                key={index}
                role={radio ? "menuitemradio" : "menuitem"}
                aria-checked={radio ? item.checked : undefined}
                tabIndex={-1}
                onMouseEnter={() => focusItem(position)}
                onClick={() => {
                  close(true);
                  item.onSelect();
                }}
                onKeyDown={(event) => {
                  if (event.key === "Enter" || event.key === " ") {
                    event.preventDefault();
                    close(true);
                    item.onSelect();
                  }
                }}
                className={cx(
                  "flex cursor-pointer items-center gap-2.5 rounded-lg px-2.5 py-2 text-sm outline-none select-none focus:bg-slate-100 dark:focus:bg-slate-800",
                  item.danger ? "text-red-600 dark:text-red-400" : "text-slate-700 dark:text-slate-200",
                )}
              >
                {item.icon ? <span className="text-slate-500 dark:text-slate-400 [&_svg]:size-4">{item.icon}</span> : null}
                <span className="flex-1">{item.label}</span>
                {item.hint ? <span className="text-xs text-slate-400">{item.hint}</span> : null}
                {radio ? <span aria-hidden="true" className={cx("size-1.5 rounded-full", item.checked ? "bg-brand-600 dark:bg-brand-400" : "bg-transparent")} /> : null}
              </div>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}
