import type { Metadata } from "next";
import { ExportSettings } from "@/components/settings/export";
import { requireUser } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Export" };

export default async function ExportPage() {
  await requireUser();
  return <ExportSettings />;
}
