import { json, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. It touches no database on purpose. */
export const GET = route({ auth: "public", rateLimit: false }, async () => json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }));
