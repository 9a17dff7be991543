import type { Metadata } from "next";
import { JobsOverview } from "@/components/admin/jobs-overview";
import { requireAdmin } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listQueues } from "@/lib/jobs/admin";

export const metadata: Metadata = { title: "Jobs" };

export default async function AdminJobsPage() {
  await requireAdmin();
  return <JobsOverview initial={await listQueues(getDb())} />;
}
