import type { ReactNode } from "react";
import { cx } from "@/components/ui/cx";
import { Button } from "@/components/ui/button";
import { AlertIcon, RotateIcon } from "@/components/ui/icons";

/**
 * What a section shows when it has nothing to show yet: what goes here, and
 * the one thing to do to get it there.
 */
export function EmptyState({ icon, title, description, action, className }: { icon?: ReactNode; title: string; description?: ReactNode; action?: ReactNode; className?: string }) {
  return (
    <div className={cx("flex flex-col items-center justify-center px-6 py-14 text-center", className)}>
      {icon ? <div className="mb-4 flex size-14 items-center justify-center rounded-2xl bg-brand-50 text-brand-600 ring-1 ring-brand-100 dark:bg-brand-950 dark:text-brand-300 dark:ring-brand-900">{icon}</div> : null}
      <h2 className="text-base font-semibold text-slate-900 dark:text-slate-100">{title}</h2>
      {description ? <div className="mt-2 max-w-md text-sm leading-6 text-slate-600 dark:text-slate-400">{description}</div> : null}
      {action ? <div className="mt-6 flex flex-wrap items-center justify-center gap-3">{action}</div> : null}
    </div>
  );
}

/** A failed load: what failed, the server's detail and request id when there is one, and a retry. */
export function ErrorState({
  title = "Something went wrong",
  detail,
  requestId,
  onRetry,
  className,
}: {
  title?: string;
  detail?: ReactNode;
  requestId?: string | null;
  onRetry?: () => void;
  className?: string;
}) {
  return (
    <div role="alert" className={cx("flex flex-col items-center justify-center px-6 py-12 text-center", className)}>
      <div className="mb-4 flex size-12 items-center justify-center rounded-2xl bg-red-50 text-red-600 dark:bg-red-950 dark:text-red-400">
        <AlertIcon className="size-6" />
      </div>
      <h2 className="text-base font-semibold text-slate-900 dark:text-slate-100">{title}</h2>
      {detail ? <p className="mt-2 max-w-md text-sm text-slate-600 dark:text-slate-400">{detail}</p> : null}
      {requestId ? <p className="mt-2 font-mono text-xs text-slate-500 dark:text-slate-500">Request id {requestId}</p> : null}
      {onRetry ? (
        <Button variant="secondary" className="mt-5" icon={<RotateIcon className="size-4" />} onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}
