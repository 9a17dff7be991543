import { Fragment } from "react";

/**
 * Wraps the words of a search in <mark>. The text is split and each part is
 * rendered as a React text node, so a message can never inject markup.
 */
export function searchTerms(query: string | undefined): string[] {
  if (!query) return [];
  return [...new Set(query.toLowerCase().split(/\s+/).map((word) => word.replace(/[^\p{L}\p{N}@.+_-]/gu, "")).filter((word) => word.length > 0))];
}

export function splitMatches(text: string, terms: string[]): Array<{ text: string; match: boolean }> {
  if (terms.length === 0 || !text) return [{ text, match: false }];
  const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(${escaped.join("|")})`, "giu");
  return text
    .split(pattern)
    .filter((part) => part.length > 0)
    .map((part) => ({ text: part, match: terms.includes(part.toLowerCase()) }));
}

export function Highlight({ text, terms }: { text: string; terms: string[] }) {
  return (
    <>
      {splitMatches(text, terms).map((part, index) =>
        part.match ? (
          <mark key={index} className="rounded-sm bg-amber-200 px-0.5 text-inherit dark:bg-amber-500/40">
            {part.text}
          </mark>
        ) : (
          <Fragment key={index}>{part.text}</Fragment>
        ),
      )}
    </>
  );
}
