"use client";

import { useMemo } from "react";
import DOMPurify from "dompurify";
import { marked } from "marked";

/**
 * A task description: Markdown rendered by marked, then sanitized by
 * DOMPurify before it touches the DOM, so a description can never run
 * script or inject handlers. Links open in a new tab without an opener.
 */
export function Markdown({ source }: { source: string }) {
  const html = useMemo(() => {
    const raw = marked.parse(source, { async: false, gfm: true, breaks: true });
    const clean = DOMPurify.sanitize(raw, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input", "button"] });
    const doc = new DOMParser().parseFromString(clean, "text/html");
    for (const link of doc.querySelectorAll("a[href]")) {
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener noreferrer");
    }
    return doc.body.innerHTML;
  }, [source]);
  return (
    <div
      className="space-y-2 text-sm leading-6 text-slate-700 dark:text-slate-300 [&_a]:text-brand-700 [&_a]:underline dark:[&_a]:text-brand-300 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 dark:[&_code]:bg-slate-800 [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5"
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
