import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { QueueJobs } from "@/components/admin/queue-jobs";
import { requireAdmin } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/http/errors";
import { JOB_STATES, listJobs } from "@/lib/jobs/admin";

export const metadata: Metadata = { title: "Queue" };

export default async function AdminQueuePage({ params }: { params: Promise<{ queue: string }> }) {
  await requireAdmin();
  const queue = decodeURIComponent((await params).queue);
  const firstPage = await listJobs(getDb(), queue, { limit: 50 }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") return null;
    throw error;
  });
  if (!firstPage) notFound();
  return <QueueJobs queue={queue} states={[...JOB_STATES]} initialPage={firstPage} />;
}
