import type { Metadata } from "next";
import { Card, CardHeader } from "@/components/ui/display";
import { EmptyState } from "@/components/ui/states";
import { requireAdmin } from "@/lib/auth/page-session";
import { getConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { listMailbox } from "@/lib/notifications/mailbox";

export const metadata: Metadata = { title: "Dev mailbox" };

/** Admins only: the email the hub would have sent, while no SMTP server is configured. */
export default async function MailboxPage() {
  await requireAdmin();
  const mail = await listMailbox(getDb(), 100);
  return (
    <Card>
      <CardHeader
        title="Dev mailbox"
        description={getConfig().SMTP_URL ? "SMTP_URL is set: new email goes to the SMTP server. Below is what was kept before." : "No SMTP_URL is set, so notification email is kept here instead of sent."}
      />
      {mail.length === 0 ? (
        <EmptyState title="No email yet" description={<p>Notification email appears here when it would have been sent.</p>} />
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="mailbox">
          {mail.map((entry) => (
            <li key={entry.id} className="px-4 py-3">
              <details>
                <summary className="cursor-pointer">
                  <span className="font-medium">{entry.subject}</span> <span className="text-sm text-slate-500">to {entry.to} · {new Date(entry.createdAt).toISOString().replace("T", " ").slice(0, 16)} UTC</span>
                </summary>
                <pre className="mt-2 whitespace-pre-wrap text-sm text-slate-700 dark:text-slate-300">{entry.text}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
