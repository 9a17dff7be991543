import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WebhookDeliveries } from "@/components/settings/webhook-deliveries";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/http/errors";
import { listDeliveries } from "@/lib/webhooks/deliveries";
import { getWebhook } from "@/lib/webhooks/webhooks";

export const metadata: Metadata = { title: "Webhook deliveries" };

export default async function WebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const db = getDb();
  const loaded = await Promise.all([getWebhook(db, user.id, id), listDeliveries(db, user.id, id, { limit: 50 })]).catch((error: unknown) => {
    // Another user's webhook is a 404, as in the API.
    if (isAppError(error) && error.code === "not_found") return null;
    throw error;
  });
  if (!loaded) notFound();
  return <WebhookDeliveries webhook={loaded[0]} initialPage={loaded[1]} />;
}
