import type { Metadata } from "next";
import { Suspense } from "react";
import { Inbox } from "@/components/inbox/inbox";
import { Page } from "@/components/shell/page";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listDevices } from "@/lib/devices/list";

export const metadata: Metadata = { title: "Inbox" };

export default async function InboxPage() {
  const user = await requireUser();
  const devices = await listDevices(getDb(), user.id, { limit: 500 });
  return (
    <Page title="Inbox" description="SMS, calls and app notifications forwarded by your phones and scripts.">
      <Suspense>
        <Inbox initialDevices={devices.data} timeZone={user.timezone} />
      </Suspense>
    </Page>
  );
}
