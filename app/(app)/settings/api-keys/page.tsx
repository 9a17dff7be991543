import type { Metadata } from "next";
import { ApiKeysManager } from "@/components/settings/api-keys";
import { listApiKeys } from "@/lib/auth/api-keys";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const user = await requireUser();
  const keys = await listApiKeys(getDb(), user.id);
  return <ApiKeysManager initialKeys={keys} role={user.role} />;
}
