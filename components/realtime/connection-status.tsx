"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { useRealtime } from "@/components/realtime/realtime-provider";
import { cx } from "@/components/ui/cx";
import { WifiOffIcon } from "@/components/ui/icons";

/**
 * Says so when live updates are not flowing: reconnecting (with the countdown
 * to the next try and a button to try now), offline, or signed out. Silent
 * while connected, and during the first couple of seconds of connecting.
 */
export function ConnectionStatus({ className }: { className?: string }) {
  const { status, retryAt, retryNow } = useRealtime();
  const [now, setNow] = useState(() => Date.now());
  const [slowStart, setSlowStart] = useState(false);

  useEffect(() => {
    if (status !== "connecting") return;
    const timer = setTimeout(() => setSlowStart(true), 2500);
    return () => clearTimeout(timer);
  }, [status]);

  useEffect(() => {
    if (!retryAt) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [retryAt]);

  let content: React.ReactNode = null;
  if (status === "reconnecting") {
    const seconds = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;
    content = (
      <>
        <span className="size-2 animate-pulse rounded-full bg-amber-500" aria-hidden="true" />
        <span>{seconds > 0 ? `Reconnecting in ${seconds} s…` : "Reconnecting…"}</span>
        {seconds > 0 ? (
          <button type="button" onClick={retryNow} className="font-medium underline underline-offset-2 hover:no-underline">
            Retry now
          </button>
        ) : null}
      </>
    );
  } else if (status === "offline") {
    content = (
      <>
        <WifiOffIcon className="size-4" />
        <span>Offline</span>
      </>
    );
  } else if (status === "unauthorized") {
    content = (
      <>
        <span>Session ended.</span>
        <Link href="/sign-in" className="font-medium underline underline-offset-2">
          Sign in
        </Link>
      </>
    );
  } else if (status === "connecting" && slowStart) {
    content = (
      <>
        <span className="size-2 animate-pulse rounded-full bg-slate-400" aria-hidden="true" />
        <span>Connecting…</span>
      </>
    );
  }

  return (
    <div role="status" aria-live="polite" className={cx("min-w-0", className)} data-realtime-status={status}>
      {content ? (
        <div className="flex items-center gap-2 rounded-full bg-amber-50 px-3 py-1 text-xs whitespace-nowrap text-amber-900 ring-1 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30">{content}</div>
      ) : null}
    </div>
  );
}
