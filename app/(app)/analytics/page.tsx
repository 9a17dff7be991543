import type { Metadata } from "next";
import { Suspense } from "react";
import { Page } from "@/components/shell/page";
import { AnalyticsNav } from "@/components/analytics/analytics-nav";
import { MessagesAnalytics } from "@/components/analytics/sections";
import { requireAdmin } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Analytics" };

/** Administrators only; members get a 404, as the admin API gives them. The first section is messages. */
export default async function AnalyticsPage() {
  await requireAdmin();
  return (
    <Page title="Analytics" description="How the hub is used and whether it is healthy. Dates are UTC; the last day is live up to now.">
      <Suspense>
        <AnalyticsNav />
        <MessagesAnalytics />
      </Suspense>
    </Page>
  );
}
