import type { Metadata } from "next";
import { Suspense } from "react";
import { Page } from "@/components/shell/page";
import { InsightsView } from "@/components/analytics/sections";
import { requireUser } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Insights" };

/** Anyone signed in: their own messages, senders and task patterns, never anyone else's. */
export default async function InsightsPage() {
  await requireUser();
  return (
    <Page title="Insights" description="Your own patterns: messages per day, who sends you the most, and how you keep up with tasks. Dates are UTC.">
      <Suspense>
        <InsightsView />
      </Suspense>
    </Page>
  );
}
