"use client";

import { ErrorState } from "@/components/ui/states";

/** A section that failed to render: say so, keep the shell, offer a retry. */
export default function SectionError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-10 md:px-8">
      <ErrorState title="This page could not be loaded" detail="The hub ran into a problem showing it. Trying again usually helps; if it keeps happening, the server log has the details." requestId={error.digest} onRetry={reset} />
    </div>
  );
}
