"use client";

import { useSyncExternalStore } from "react";
import { Markdown } from "@/components/tasks/markdown";

const noSubscription = () => () => {};

/**
 * The app's sanitizing Markdown renderer, only in the browser: DOMPurify
 * needs a DOM, so a server render (the room's description is in the first
 * HTML) shows the source as plain text, which React escapes, and hydration
 * swaps in the rendered Markdown.
 */
export function RoomMarkdown({ source }: { source: string }) {
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  if (!inBrowser) return <p className="text-sm leading-6 whitespace-pre-wrap text-slate-700 dark:text-slate-300">{source}</p>;
  return <Markdown source={source} />;
}
