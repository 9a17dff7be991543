import type { Metadata } from "next";
import { Page } from "@/components/shell/page";
import { SmsAnalyticsDashboard } from "@/components/sms/analytics-dashboard";
import { requireAdmin } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { smsAnalytics } from "@/lib/sms/analytics";
import { listOutbox } from "@/lib/sms/console-provider";

export const metadata: Metadata = { title: "SMS analytics" };

/** Administrators only: every user's SMS volume and cost, failures, and the console outbox. */
export default async function SmsAnalyticsPage() {
  const user = await requireAdmin();
  const db = getDb();
  const actor = { userId: user.id, role: "admin" as const, via: "session" as const, scopes: [] };
  const [byDay, byUser, outbox] = await Promise.all([smsAnalytics(db, actor, { groupBy: "day" }), smsAnalytics(db, actor, { groupBy: "user" }), listOutbox(db)]);
  return (
    <Page title="SMS analytics" description="Texts routed through Twilio and sent by the hub over the last 30 days: volume, segments, cost, unknown senders and failures.">
      <SmsAnalyticsDashboard
        initialByDay={byDay}
        initialByUser={byUser}
        initialOutbox={outbox.map((row) => ({ to: row.to, body: row.body, createdAt: row.createdAt.toISOString() }))}
      />
    </Page>
  );
}
