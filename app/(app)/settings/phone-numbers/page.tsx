import type { Metadata } from "next";
import { PhoneNumbersManager } from "@/components/sms/phone-numbers";
import { SmsUsageWidget } from "@/components/sms/usage-widget";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { smsAnalytics } from "@/lib/sms/analytics";
import { listPhoneNumbers } from "@/lib/sms/numbers";

export const metadata: Metadata = { title: "Phone numbers" };

export default async function PhoneNumbersPage() {
  const user = await requireUser();
  const db = getDb();
  const actor = { userId: user.id, role: "member" as const, via: "session" as const, scopes: [] };
  // As a member even for an admin: this widget is the user's own usage.
  const [numbers, usage] = await Promise.all([listPhoneNumbers(db, user.id), smsAnalytics(db, actor, { groupBy: "day" })]);
  return (
    <div className="flex flex-col gap-6">
      <PhoneNumbersManager initialNumbers={numbers} />
      <SmsUsageWidget usage={usage} />
    </div>
  );
}
