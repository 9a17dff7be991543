import { cx } from "@/components/ui/cx";

/** A spinning ring. Announces `label` to screen readers unless it is decorative (inside a busy button). */
export function Spinner({ className, label = "Loading", decorative = false }: { className?: string; label?: string; decorative?: boolean }) {
  return (
    <span role={decorative ? undefined : "status"} className="inline-flex">
      <svg viewBox="0 0 24 24" className={cx("animate-spin", className ?? "size-5")} aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
        <path d="M21 12a9 9 0 0 0-9-9" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
      {decorative ? null : <span className="sr-only">{label}</span>}
    </span>
  );
}

/** A grey placeholder block with the shape of content that is loading. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cx("animate-pulse rounded-md bg-slate-200/80 dark:bg-slate-800", className)} />;
}

/** A list of skeleton rows, announced once as loading. */
export function SkeletonList({ rows = 4, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-label={label} className="space-y-3">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex items-center gap-3">
          <Skeleton className="size-9 shrink-0 rounded-full" />
          <div className="flex-1 space-y-2">
            <Skeleton className="h-3.5 w-1/3" />
            <Skeleton className="h-3 w-2/3" />
          </div>
        </div>
      ))}
    </div>
  );
}
