"use client";

import { useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { MemberView } from "@/clients/sdk-ts/types";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { RoomMarkdown as Markdown } from "@/components/rooms/room-markdown";

/** The `@word` being typed just before the caret, if any (an @ inside a word, like an email address, is not a mention). */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?:^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}._-]{0,64})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[1]!.length - 1, query: match[1]!.toLowerCase() };
}

/**
 * Writes a message: Markdown with a live preview (rendered by the same
 * sanitizing renderer as the messages), @mention completion from the room's
 * members (arrows to choose, Enter or Tab to insert, Esc to dismiss), Enter
 * to send and Shift+Enter for a new line. When posting is not allowed it
 * says why instead.
 */
export function Composer({ members, disabledReason, onSend, onTyping }: { members: MemberView[]; disabledReason: string | null; onSend: (content: string) => void; onTyping: () => void }) {
  const [text, setText] = useState("");
  const [mode, setMode] = useState<"write" | "preview">("write");
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const hintId = useId();

  const mention = mode === "write" ? mentionAt(text, caret) : null;
  const suggestions = useMemo(() => {
    if (!mention || dismissedAt === mention.start) return [];
    return members.filter((member) => member.handle.toLowerCase().startsWith(mention.query) || member.name.toLowerCase().includes(mention.query)).slice(0, 6);
  }, [mention, members, dismissedAt]);
  const open = suggestions.length > 0;

  if (disabledReason) {
    return (
      <div className="border-t border-slate-200 bg-slate-50 px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
        <label htmlFor="room-composer" className="sr-only">
          Message
        </label>
        <textarea id="room-composer" disabled rows={1} aria-describedby={hintId} className="w-full resize-none rounded-lg border border-slate-200 bg-slate-100 px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-800" />
        <p id={hintId} className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {disabledReason}
        </p>
      </div>
    );
  }

  const insert = (member: MemberView) => {
    if (!mention) return;
    const before = text.slice(0, mention.start);
    const after = text.slice(caret);
    const next = `${before}@${member.handle} ${after}`;
    const position = before.length + member.handle.length + 2;
    setText(next);
    setCaret(position);
    setActive(0);
    requestAnimationFrame(() => {
      textareaRef.current?.setSelectionRange(position, position);
      textareaRef.current?.focus();
    });
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const content = text.trim();
    if (!content) return;
    onSend(content);
    setText("");
    setCaret(0);
    setMode("write");
    textareaRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        setActive((current) => (current + (event.key === "ArrowDown" ? 1 : -1) + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        insert(suggestions[Math.min(active, suggestions.length - 1)]!);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        setDismissedAt(mention?.start ?? null);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <form onSubmit={submit} className="border-t border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-950" aria-label="Send a message">
      <div className="mb-1 flex items-center gap-1" role="group" aria-label="Composer mode">
        {(["write", "preview"] as const).map((value) => (
          <button
            key={value}
            type="button"
            aria-pressed={mode === value}
            onClick={() => setMode(value)}
            className={cx(
              "rounded-md px-2 py-1 text-xs font-medium",
              mode === value ? "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100" : "text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200",
            )}
          >
            {value === "write" ? "Write" : "Preview"}
          </button>
        ))}
        <span className="ml-auto hidden text-xs text-slate-500 sm:inline dark:text-slate-400">Markdown · Enter to send · Shift+Enter for a new line · @ to mention</span>
      </div>
      <div className="relative flex items-end gap-2">
        {mode === "preview" ? (
          <div aria-label="Preview" role="region" className="max-h-48 min-h-[2.75rem] flex-1 overflow-y-auto rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-700">
            {text.trim() ? <Markdown source={text} /> : <p className="text-sm text-slate-500 dark:text-slate-400">Nothing to preview</p>}
          </div>
        ) : (
          <>
            <label htmlFor="room-composer" className="sr-only">
              Message
            </label>
            <textarea
              id="room-composer"
              ref={textareaRef}
              value={text}
              rows={Math.min(6, Math.max(1, text.split("\n").length))}
              placeholder="Write a message…"
              role="combobox"
              aria-autocomplete="list"
              aria-expanded={open}
              aria-controls={open ? listId : undefined}
              aria-activedescendant={open ? `${listId}-${Math.min(active, suggestions.length - 1)}` : undefined}
              maxLength={10_240}
              onChange={(event) => {
                setText(event.target.value);
                setCaret(event.target.selectionStart);
                setActive(0);
                onTyping();
              }}
              onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
              onKeyDown={onKeyDown}
              className="max-h-48 min-h-[2.75rem] flex-1 resize-none rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
            />
          </>
        )}
        <Button type="submit" disabled={!text.trim()}>
          Send
        </Button>
        {open ? (
          <ul id={listId} role="listbox" aria-label="Mention a member" className="absolute bottom-full left-0 z-20 mb-1 w-64 overflow-hidden rounded-xl border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900">
            {suggestions.map((member, index) => (
              <li
                key={member.userId}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === active}
                onPointerDown={(event) => {
                  event.preventDefault();
                  insert(member);
                }}
                className={cx("flex cursor-pointer items-center justify-between gap-2 px-3 py-1.5 text-sm", index === active ? "bg-brand-50 text-brand-900 dark:bg-brand-950 dark:text-brand-100" : "text-slate-700 dark:text-slate-300")}
              >
                <span className="truncate">{member.name}</span>
                <span className="font-mono text-xs text-slate-500 dark:text-slate-400">@{member.handle}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </form>
  );
}
