"use client";

import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { cx } from "@/components/ui/cx";

/**
 * Form controls with their label, hint and error wired up for assistive tech:
 * the label names the control, the hint and the error describe it, and an
 * error sets aria-invalid.
 */
type FieldProps = { label: ReactNode; hint?: ReactNode; error?: string | null; hideLabel?: boolean };

const CONTROL =
  "block w-full rounded-lg border bg-white px-3 text-slate-900 shadow-sm transition-colors placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-500 dark:disabled:bg-slate-800";

function controlClasses(error: string | null | undefined, extra?: string): string {
  return cx(CONTROL, error ? "border-red-500 dark:border-red-400" : "border-slate-300 dark:border-slate-700", extra);
}

function FieldFrame({ id, label, hint, error, hideLabel, children }: FieldProps & { id: string; children: ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className={cx("block text-sm font-medium text-slate-800 dark:text-slate-200", hideLabel && "sr-only")}>
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  return [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
}

export type InputProps = InputHTMLAttributes<HTMLInputElement> & FieldProps & { ref?: Ref<HTMLInputElement>; trailing?: ReactNode };

export function Input({ label, hint, error, hideLabel, id: givenId, className, trailing, ...props }: InputProps) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} hideLabel={hideLabel}>
      <div className="relative">
        <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={controlClasses(error, cx("h-10 text-sm", trailing ? "pr-11" : undefined, className))} {...props} />
        {trailing ? <div className="absolute inset-y-0 right-0 flex items-center pr-1">{trailing}</div> : null}
      </div>
    </FieldFrame>
  );
}

export type TextareaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & FieldProps & { ref?: Ref<HTMLTextAreaElement> };

export function Textarea({ label, hint, error, hideLabel, id: givenId, className, rows = 4, ...props }: TextareaProps) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} hideLabel={hideLabel}>
      <textarea id={id} rows={rows} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={controlClasses(error, cx("py-2 text-sm", className))} {...props} />
    </FieldFrame>
  );
}

export type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & FieldProps & { ref?: Ref<HTMLSelectElement> };

export function Select({ label, hint, error, hideLabel, id: givenId, className, children, ...props }: SelectProps) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} hideLabel={hideLabel}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={controlClasses(error, cx("h-10 pr-8 text-sm", className))} {...props}>
        {children}
      </select>
    </FieldFrame>
  );
}

export type CheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { label: ReactNode; description?: ReactNode; ref?: Ref<HTMLInputElement> };

export function Checkbox({ label, description, id: givenId, className, ...props }: CheckboxProps) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <div className={cx("flex items-start gap-3", className)}>
      <input
        id={id}
        type="checkbox"
        aria-describedby={description ? `${id}-description` : undefined}
        className="mt-0.5 size-4 shrink-0 rounded border-slate-300 accent-brand-600 dark:border-slate-600 dark:accent-brand-400"
        {...props}
      />
      <div className="min-w-0 text-sm leading-5">
        <label htmlFor={id} className="font-medium text-slate-800 dark:text-slate-200">
          {label}
        </label>
        {description ? (
          <p id={`${id}-description`} className="text-slate-500 dark:text-slate-400">
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}
