import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { skipOccurrenceSchema } from "@/lib/tasks/schemas";
import { skipOccurrence } from "@/lib/tasks/skip";

export const dynamic = "force-dynamic";

/**
 * Skips an occurrence of a recurring task: this one (the next is created), or
 * a later date of its schedule given as `?occurrenceDate=`.
 */
export const POST = route({ auth: "user", scopes: ["tasks:write"], params: idParams, query: skipOccurrenceSchema }, async ({ input, actor }) => {
  const { task, next } = await skipOccurrence(getDb(), actor.userId, input.params.id, input.query);
  return next ? { task, next } : { task };
});
