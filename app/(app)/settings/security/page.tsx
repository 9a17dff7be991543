import type { Metadata } from "next";
import { SecuritySettings } from "@/components/settings/security";
import { totpStatus } from "@/lib/auth/totp";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Security" };

export default async function SecurityPage() {
  const user = await requireUser();
  const status = await totpStatus(getDb(), user.id);
  return <SecuritySettings initialStatus={status} />;
}
