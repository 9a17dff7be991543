import type { Metadata } from "next";
import { WebhooksManager } from "@/components/settings/webhooks";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listWebhooks, MAX_WEBHOOKS_PER_USER } from "@/lib/webhooks/webhooks";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const user = await requireUser();
  // A user has at most MAX_WEBHOOKS_PER_USER, so one page holds them all.
  const { data } = await listWebhooks(getDb(), user.id, { limit: MAX_WEBHOOKS_PER_USER });
  return <WebhooksManager initialWebhooks={data} />;
}
