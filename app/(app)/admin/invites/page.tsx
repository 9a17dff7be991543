import type { Metadata } from "next";
import { InvitesAdmin } from "@/components/admin/invites-admin";
import { requireAdmin } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listInvites } from "@/lib/users/invites";

export const metadata: Metadata = { title: "Invites" };

export default async function AdminInvitesPage() {
  await requireAdmin();
  const firstPage = await listInvites(getDb(), { limit: 50 });
  return <InvitesAdmin initialPage={firstPage} />;
}
