import type { Metadata } from "next";
import { UsersAdmin } from "@/components/admin/users-admin";
import { requireAdmin } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listUsers } from "@/lib/users/admin";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const admin = await requireAdmin();
  const firstPage = await listUsers(getDb(), { limit: 50 });
  return <UsersAdmin initialPage={firstPage} currentUserId={admin.id} />;
}
