"use client";

import { useState, type FormEvent } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { cx } from "@/components/ui/cx";
import { Kbd } from "@/components/ui/display";
import { SearchIcon } from "@/components/ui/icons";

export const GLOBAL_SEARCH_ID = "global-search";

export function searchHref(query: string): string {
  return `/inbox?${new URLSearchParams({ q: query })}`;
}

/** Full-text search over messages: submitting opens the inbox filtered by the query ("/" focuses it). */
export function SearchBox({ className }: { className?: string }) {
  const pathname = usePathname();
  const params = useSearchParams();
  const current = pathname === "/inbox" ? (params.get("q") ?? "") : "";
  // Keyed on the URL's query, so the field follows navigation (back, a new search elsewhere).
  return <SearchForm key={current} initial={current} className={className} />;
}

function SearchForm({ initial, className }: { initial: string; className?: string }) {
  const router = useRouter();
  const [query, setQuery] = useState(initial);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = query.trim();
    router.push(trimmed ? searchHref(trimmed) : "/inbox");
    (document.getElementById(GLOBAL_SEARCH_ID) as HTMLInputElement | null)?.blur();
  };

  return (
    <form role="search" onSubmit={onSubmit} className={cx("relative", className)}>
      <label htmlFor={GLOBAL_SEARCH_ID} className="sr-only">
        Search messages
      </label>
      <SearchIcon className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-slate-400" />
      <input
        id={GLOBAL_SEARCH_ID}
        type="search"
        enterKeyHint="search"
        placeholder="Search messages"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") event.currentTarget.blur();
        }}
        className="peer h-9 w-full rounded-lg border border-slate-200 bg-slate-100/70 pl-9 pr-9 text-sm text-slate-900 placeholder:text-slate-500 focus:border-brand-500 focus:bg-white focus:outline-none focus:ring-2 focus:ring-brand-500/30 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400 dark:focus:bg-slate-950"
      />
      <Kbd className="pointer-events-none absolute right-2.5 top-1/2 -translate-y-1/2 peer-focus:hidden max-md:hidden">/</Kbd>
    </form>
  );
}
