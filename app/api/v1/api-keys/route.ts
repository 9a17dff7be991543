import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { created, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Lists the caller's live keys (never their secrets). */
export const GET = route({ auth: "user" }, async ({ actor }) => ({ data: await listApiKeys(getDb(), actor.userId) }));

/** Creates a key; the secret is in the response once and never again. */
export const POST = route({ auth: "user", body: createApiKeySchema }, async ({ input, actor }) => {
  // A key can hold only scopes its creator holds: no escalation through keys.
  const missing = input.body.scopes.filter((scope) => !actor.scopes.includes(scope));
  if (missing.length > 0) throw new AppError("forbidden", `You cannot grant scopes you do not hold: ${missing.join(", ")}`);
  const { apiKey, key } = await createApiKey(getDb(), actor.userId, input.body);
  return created({ apiKey, key });
});
