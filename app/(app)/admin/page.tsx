import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/auth/page-session";

export default async function AdminIndex() {
  await requireAdmin();
  redirect("/admin/users");
}
