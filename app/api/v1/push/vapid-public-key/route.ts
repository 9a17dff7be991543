import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getVapidDetails } from "@/lib/notifications/vapid";

export const dynamic = "force-dynamic";

/** The key a browser passes to pushManager.subscribe() as applicationServerKey. */
export const GET = route({ auth: "user" }, async () => ({ publicKey: (await getVapidDetails(getDb())).publicKey }));
