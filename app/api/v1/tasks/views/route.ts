import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { createViewSchema } from "@/lib/tasks/schemas";
import { createView, listViews } from "@/lib/tasks/views";

export const dynamic = "force-dynamic";

/** The built-in views (Today, Upcoming, Overdue, Assigned to me) and the caller's saved ones. */
export const GET = route({ auth: "user", scopes: ["tasks:read"] }, async ({ actor }) => ({ data: await listViews(getDb(), actor.userId) }));

/** Saves a named filter; apply it with GET /api/v1/tasks?view=<id>. */
export const POST = route({ auth: "user", scopes: ["tasks:write"], body: createViewSchema }, async ({ input, actor }) => created(await createView(getDb(), actor.userId, input.body)));
