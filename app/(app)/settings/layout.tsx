import type { ReactNode } from "react";
import { PageHeader } from "@/components/shell/page";
import { SettingsNav } from "@/components/settings/settings-nav";
import { requireUser } from "@/lib/auth/page-session";

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-6 md:px-8 md:py-8">
      <PageHeader title="Settings" description="Your account, this browser, and how machines reach your hub." />
      <div className="flex flex-col gap-6 md:flex-row md:gap-10">
        <div className="md:w-48 md:shrink-0">
          <SettingsNav role={user.role} />
        </div>
        <div className="min-w-0 flex-1">{children}</div>
      </div>
    </div>
  );
}
