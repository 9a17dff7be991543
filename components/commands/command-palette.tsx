"use client";

import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useRouter } from "next/navigation";
import { filterCommands, setCommandPaletteOpen, useCommandList, useCommandPaletteOpen, type Command } from "@/components/commands/registry";
import { formatHotkey } from "@/components/hotkeys/keys";
import { useIsMac } from "@/components/hotkeys/use-hotkeys";
import { cx } from "@/components/ui/cx";
import { Dialog } from "@/components/ui/dialog";
import { Kbd } from "@/components/ui/display";
import { ArrowRightIcon, SearchIcon } from "@/components/ui/icons";

/**
 * Ctrl/⌘-K: type to filter every registered command, arrows to move, Enter
 * to run. A combobox over a listbox, so screen readers follow the active
 * option without focus leaving the input.
 */
export function CommandPalette({ searchHref }: { searchHref: (query: string) => string }) {
  const open = useCommandPaletteOpen();
  return open ? <PaletteDialog onClose={() => setCommandPaletteOpen(false)} searchHref={searchHref} /> : null;
}

function PaletteDialog({ onClose, searchHref }: { onClose: () => void; searchHref: (query: string) => string }) {
  const router = useRouter();
  const commands = useCommandList();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const mac = useIsMac();

  const results = useMemo(() => {
    const found = filterCommands(commands, query);
    const trimmed = query.trim();
    if (!trimmed) return found;
    const search: Command = { id: "search.messages", label: `Search messages for “${trimmed}”`, group: "Search", href: searchHref(trimmed), icon: <SearchIcon className="size-4" /> };
    return [...found, search];
  }, [commands, query, searchHref]);

  const run = (command: Command | undefined) => {
    if (!command) return;
    onClose();
    if (command.href) router.push(command.href);
    else command.run?.();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") setActive((i) => (results.length ? (i + 1) % results.length : 0));
    else if (event.key === "ArrowUp") setActive((i) => (results.length ? (i - 1 + results.length) % results.length : 0));
    else if (event.key === "Home") setActive(0);
    else if (event.key === "End") setActive(Math.max(0, results.length - 1));
    else if (event.key === "Enter") run(results[active]);
    else return;
    event.preventDefault();
  };

  const optionId = (index: number) => `${listId}-option-${index}`;
  return (
    <Dialog open onClose={onClose} title="Command palette" hideTitle position="top" initialFocus={inputRef} className="sm:max-w-xl">
      <div className="flex items-center gap-3 border-b border-slate-200 px-4 dark:border-slate-800">
        <SearchIcon className="size-5 shrink-0 text-slate-400" />
        <input
          ref={inputRef}
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={results[active] ? optionId(active) : undefined}
          aria-autocomplete="list"
          aria-label="Search commands"
          placeholder="Type a command or search…"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          className="h-14 w-full bg-transparent text-base text-slate-900 outline-none placeholder:text-slate-400 focus-visible:outline-none dark:text-slate-100"
        />
        <Kbd className="max-sm:hidden">Esc</Kbd>
      </div>
      <div id={listId} role="listbox" aria-label="Commands" className="max-h-[min(60vh,26rem)] overflow-y-auto p-2">
        {results.length === 0 ? <p className="px-3 py-8 text-center text-sm text-slate-500">No commands match “{query}”.</p> : null}
        {results.map((command, index) => {
          const header = index === 0 || results[index - 1]!.group !== command.group ? command.group : null;
          return (
            <div key={command.id}>
              {header ? (
                <div role="presentation" className="px-3 pb-1 pt-3 text-xs font-medium text-slate-500 first:pt-1 dark:text-slate-400">
                  {header}
                </div>
              ) : null}
              <div
                id={optionId(index)}
                role="option"
                aria-selected={index === active}
                onMouseMove={() => setActive(index)}
                onClick={() => run(command)}
                className={cx(
                  "flex cursor-pointer items-center gap-3 rounded-lg px-3 py-2.5 text-sm",
                  index === active ? "bg-brand-50 text-brand-900 dark:bg-brand-950 dark:text-brand-100" : "text-slate-700 dark:text-slate-300",
                )}
              >
                <span className="flex size-5 items-center justify-center text-slate-500 dark:text-slate-400 [&_svg]:size-4">{command.icon ?? <ArrowRightIcon />}</span>
                <span className="flex-1 truncate">{command.label}</span>
                {command.hotkey ? (
                  <span className="hidden items-center gap-1 sm:flex" aria-hidden="true">
                    {formatHotkey(command.hotkey, mac).map((step, i) => (
                      <span key={i} className="flex gap-0.5">
                        {step.map((key) => (
                          <Kbd key={key}>{key}</Kbd>
                        ))}
                      </span>
                    ))}
                  </span>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
    </Dialog>
  );
}
