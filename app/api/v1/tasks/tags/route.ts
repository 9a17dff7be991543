import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { createTagSchema } from "@/lib/tasks/schemas";
import { createTag, listTags } from "@/lib/tasks/tags";

export const dynamic = "force-dynamic";

/** The caller's task tags with their colours. */
export const GET = route({ auth: "user", scopes: ["tasks:read"] }, async ({ actor }) => ({ data: await listTags(getDb(), actor.userId) }));

export const POST = route({ auth: "user", scopes: ["tasks:write"], body: createTagSchema }, async ({ input, actor }) => created(await createTag(getDb(), actor.userId, input.body)));
