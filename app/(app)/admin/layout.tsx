import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { PageHeader } from "@/components/shell/page";
import { requireAdmin } from "@/lib/auth/page-session";

/** Administrators only; members get a 404, the same answer the admin API gives them. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin();
  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-6 md:px-8 md:py-8">
      <PageHeader title="Admin" description="Who can use this hub, how they got in, and what they did." />
      <AdminNav />
      <div className="mt-6">{children}</div>
    </div>
  );
}
