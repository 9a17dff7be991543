import { disableTotp, secondFactorProofSchema } from "@/lib/auth/totp";
import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Turns two-factor off (or cancels a pending enrolment), given the password or a code. */
export const POST = route({ auth: "user", sessionOnly: true, rateLimit: "auth", body: secondFactorProofSchema }, async ({ input, actor }) => {
  await disableTotp(getDb(), actor.userId, input.body);
  return noContent();
});
