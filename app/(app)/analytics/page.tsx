import type { Metadata } from "next";
import Link from "next/link";
import { Page } from "@/components/shell/page";
import { Card } from "@/components/ui/display";
import { ChartIcon } from "@/components/ui/icons";
import { EmptyState } from "@/components/ui/states";
import { requireAdmin } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Analytics" };

/** Administrators only; members get a 404, as the admin API gives them. */
export default async function AnalyticsPage() {
  await requireAdmin();
  return (
    <Page title="Analytics" description="How the hub is used: message volume by device and type, SMS segments and cost, task throughput.">
      <Card className="mb-6">
        <Link href="/analytics/sms" className="flex items-center justify-between px-5 py-4 text-sm font-medium text-slate-900 hover:bg-slate-50 dark:text-slate-100 dark:hover:bg-slate-800/60">
          SMS: volume, cost, unknown senders, failures and the console outbox
          <span aria-hidden>→</span>
        </Link>
      </Card>
      <Card>
        <EmptyState
          icon={<ChartIcon className="size-7" />}
          title="No data to chart yet"
          description={<p>Charts fill in as messages arrive and tasks are completed. Once devices are forwarding, come back here for volume, cost and trends.</p>}
        />
      </Card>
    </Page>
  );
}
