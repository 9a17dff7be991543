import type { ReactNode } from "react";
import { LogoMark } from "@/components/ui/icons";

export const dynamic = "force-dynamic";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-gradient-to-b from-slate-50 to-white px-4 py-10 dark:from-slate-950 dark:to-slate-900">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center gap-3">
          <LogoMark className="size-12" />
          <p className="text-sm font-semibold tracking-tight text-slate-700 dark:text-slate-300">Message Hub</p>
        </div>
        {children}
      </div>
    </main>
  );
}
