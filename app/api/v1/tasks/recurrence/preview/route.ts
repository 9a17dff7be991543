import { RateLimiterRes } from "rate-limiter-flexible";
import { getLimiter, rateLimitedError } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/route";
import { previewRecurrence } from "@/lib/tasks/preview";
import { previewQuerySchema } from "@/lib/tasks/schemas";

export const dynamic = "force-dynamic";

/**
 * The next dates of an RRULE from dtstart in a time zone, for the recurrence
 * editor. Expanding a rule costs CPU (up to ~100 ms for one that never
 * matches), so this route has its own limit on top of the API's: two a second
 * per caller, plenty for an editor that previews as the user types.
 */
export const GET = route({ auth: "user", scopes: ["tasks:read"], query: previewQuerySchema }, async ({ input, actor }) => {
  try {
    await getLimiter("task-recurrence-preview", { points: 120, duration: 60 }).consume(actor.apiKeyId ?? actor.userId);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimitedError(rejection.msBeforeNext);
    throw rejection;
  }
  return previewRecurrence(input.query);
});
