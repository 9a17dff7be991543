"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { cx } from "@/components/ui/cx";
import { AlertIcon, CheckCircleIcon, InfoIcon, XIcon } from "@/components/ui/icons";

export type ToastTone = "info" | "success" | "error";
export type ToastInput = { title: string; description?: string; tone?: ToastTone; action?: { label: string; onClick: () => void }; durationMs?: number };
type Toast = ToastInput & { id: number };

type ToastApi = { toast: (input: ToastInput) => number; dismiss: (id: number) => void };

const ToastContext = createContext<ToastApi | null>(null);

/** Shows short confirmations and errors: `const { toast } = useToast(); toast({ title: "Copied" })`. */
export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast needs a <ToastProvider> above it");
  return api;
}

/**
 * Holds the toasts and renders them in two live regions: polite for info and
 * success, assertive for errors. Toasts leave after a few seconds, but not
 * while the pointer or focus is on them.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const toast = useCallback((input: ToastInput) => {
    const id = nextId.current++;
    setToasts((list) => [...list.slice(-3), { ...input, id }]);
    return id;
  }, []);
  const api = useMemo(() => ({ toast, dismiss }), [toast, dismiss]);
  const polite = toasts.filter((t) => t.tone !== "error");
  const assertive = toasts.filter((t) => t.tone === "error");
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="pointer-events-none fixed inset-x-0 bottom-[calc(4.5rem+env(safe-area-inset-bottom))] z-[60] flex flex-col items-center gap-2 px-3 md:bottom-4 md:items-end md:px-4">
        <div role="status" aria-live="polite" className="flex w-full flex-col items-center gap-2 md:items-end">
          {polite.map((t) => (
            <ToastCard key={t.id} toast={t} onDismiss={dismiss} />
          ))}
        </div>
        <div role="alert" aria-live="assertive" className="flex w-full flex-col items-center gap-2 md:items-end">
          {assertive.map((t) => (
            <ToastCard key={t.id} toast={t} onDismiss={dismiss} />
          ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

const TONE_ICON = {
  info: <InfoIcon className="size-5 text-brand-600 dark:text-brand-400" />,
  success: <CheckCircleIcon className="size-5 text-emerald-600 dark:text-emerald-400" />,
  error: <AlertIcon className="size-5 text-red-600 dark:text-red-400" />,
};

function ToastCard({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  const [paused, setPaused] = useState(false);
  const duration = toast.durationMs ?? (toast.tone === "error" ? 8000 : 4500);
  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(() => onDismiss(toast.id), duration);
    return () => clearTimeout(timer);
  }, [paused, duration, onDismiss, toast.id]);
  return (
    <div
      onPointerEnter={() => setPaused(true)}
      onPointerLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
      className={cx(
        "pointer-events-auto flex w-full max-w-sm animate-toast-in items-start gap-3 rounded-xl border bg-white p-3.5 shadow-lg ring-1 ring-black/5 dark:bg-slate-900",
        toast.tone === "error" ? "border-red-200 dark:border-red-900" : "border-slate-200 dark:border-slate-700",
      )}
    >
      <span className="mt-0.5 shrink-0">{TONE_ICON[toast.tone ?? "info"]}</span>
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{toast.title}</p>
        {toast.description ? <p className="mt-0.5 text-sm break-words text-slate-600 dark:text-slate-400">{toast.description}</p> : null}
        {toast.action ? (
          <button
            type="button"
            onClick={() => {
              toast.action?.onClick();
              onDismiss(toast.id);
            }}
            className="mt-2 text-sm font-medium text-brand-700 hover:underline dark:text-brand-300"
          >
            {toast.action.label}
          </button>
        ) : null}
      </div>
      <button type="button" aria-label="Dismiss" onClick={() => onDismiss(toast.id)} className="-m-1 rounded-md p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700 dark:hover:bg-slate-800 dark:hover:text-slate-200">
        <XIcon className="size-4" />
      </button>
    </div>
  );
}
