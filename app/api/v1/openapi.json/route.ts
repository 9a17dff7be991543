import { json, route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/http/openapi";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 description of this API, generated from the routes' zod schemas. */
export const GET = route({ auth: "public", rateLimit: false }, async () => json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } }));
