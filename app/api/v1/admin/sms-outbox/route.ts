import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listOutbox } from "@/lib/sms/console-provider";

export const dynamic = "force-dynamic";

/** What the console provider "sent", newest first (the last 100). */
export const GET = route({ auth: "admin" }, async () => ({
  data: (await listOutbox(getDb())).map((row) => ({ to: row.to, body: row.body, createdAt: row.createdAt.toISOString() })),
}));
