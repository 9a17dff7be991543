import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { LogoMark } from "@/components/ui/icons";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-6 text-center">
      <LogoMark className="size-12" />
      <p className="mt-6 text-sm font-semibold text-brand-600 dark:text-brand-400">404</p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight">This page does not exist</h1>
      <p className="mt-2 max-w-sm text-sm text-slate-600 dark:text-slate-400">The link may be old, or the page may belong to an account with other permissions.</p>
      <Link href="/inbox" className={buttonClasses({ className: "mt-6" })}>
        Go to the inbox
      </Link>
    </main>
  );
}
