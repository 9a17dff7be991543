import { getDatabase } from "@/lib/db/client";
import { assertReady } from "@/lib/db/readiness";
import { json, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Readiness: the database answers and every migration is applied. */
export const GET = route({ auth: "public", rateLimit: false }, async () => json(await assertReady(getDatabase().pool)));
