import { confirmTotpEnrolment, totpCodeSchema } from "@/lib/auth/totp";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Turns two-factor on with a current code; returns 10 single-use backup codes, shown once. */
export const POST = route({ auth: "user", sessionOnly: true, rateLimit: "auth", body: totpCodeSchema }, async ({ input, actor }) =>
  confirmTotpEnrolment(getDb(), actor.userId, input.body.code),
);
