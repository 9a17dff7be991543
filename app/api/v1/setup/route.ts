import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { setupFirstAdmin } from "@/lib/users/setup";
import { setupSchema } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

/** First run: creates the first admin and an all-scopes key. 409 once any user exists. */
export const POST = route({ auth: "public", rateLimit: "setup", body: setupSchema }, async ({ input }) => {
  const { user, apiKey, key } = await setupFirstAdmin(getDb(), input.body);
  return created({ user, apiKey, key });
});
