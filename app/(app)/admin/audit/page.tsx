import type { Metadata } from "next";
import { AuditLog } from "@/components/admin/audit-log";
import { listAuditEvents } from "@/lib/audit/list";
import { requireAdmin } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listUsers } from "@/lib/users/admin";

export const metadata: Metadata = { title: "Audit log" };

export default async function AdminAuditPage() {
  await requireAdmin();
  const db = getDb();
  // The actor filter offers the hub's users by name; a small hub has a few hundred at most.
  const [firstPage, people] = await Promise.all([listAuditEvents(db, { limit: 50, cursor: undefined }), listUsers(db, { limit: 500 })]);
  return <AuditLog initialPage={firstPage} actors={people.data.map((user) => ({ id: user.id, label: `${user.name} (${user.email})` }))} />;
}
