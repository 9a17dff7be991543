"use client";

import { useEffect, useId, useState } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";
import { CheckIcon, CopyIcon } from "@/components/ui/icons";

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No Clipboard API (plain http on a LAN address): the old way still works there.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** Copies `value` and says so, in the button and to screen readers. */
export function CopyButton({ value, label = "Copy", variant = "secondary", size = "md", onCopied }: { value: string; label?: string; variant?: ButtonVariant; size?: ButtonSize; onCopied?: () => void }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const statusId = useId();
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <>
      <Button
        variant={variant}
        size={size}
        icon={state === "copied" ? <CheckIcon className="size-4 text-emerald-600 dark:text-emerald-400" /> : <CopyIcon className="size-4" />}
        aria-describedby={statusId}
        onClick={async () => {
          const ok = await copyText(value);
          setState(ok ? "copied" : "failed");
          if (ok) onCopied?.();
        }}
      >
        {state === "copied" ? "Copied" : label}
      </Button>
      <span id={statusId} role="status" className="sr-only">
        {state === "copied" ? "Copied to the clipboard" : state === "failed" ? "Could not copy; select the text and copy it by hand" : ""}
      </span>
    </>
  );
}

/** A secret shown once: selectable monospace text with a copy button. */
export function SecretField({ value, label }: { value: string; label: string }) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          id={id}
          readOnly
          value={value}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          className="h-10 min-w-0 flex-1 rounded-lg border border-slate-300 bg-slate-50 px-3 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        />
        <CopyButton value={value} />
      </div>
    </div>
  );
}
