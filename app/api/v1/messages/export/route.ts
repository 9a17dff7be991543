import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { exportMessages } from "@/lib/messages/export";
import { exportQuerySchema } from "@/lib/messages/schemas";

export const dynamic = "force-dynamic";

/** Streams every matching message as JSON, NDJSON or CSV, a page at a time. */
export const GET = route({ auth: "user", scopes: ["messages:read"], query: exportQuerySchema }, async ({ input, actor }) => {
  const { format, ...filter } = input.query;
  const { stream, contentType, filename } = exportMessages(getDb(), actor.userId, filter, format);
  return new Response(stream, {
    headers: { "content-type": contentType, "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store", "x-content-type-options": "nosniff" },
  });
});
