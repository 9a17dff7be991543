import type { ReactNode } from "react";
import { AppProviders } from "@/components/providers/app-providers";
import { AppShell } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

/** Every signed-in page: authorize first (sign-in, or setup on a new hub), then the shell. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <AppProviders>
      <AppShell user={{ name: user.name, email: user.email, role: user.role }}>{children}</AppShell>
    </AppProviders>
  );
}
