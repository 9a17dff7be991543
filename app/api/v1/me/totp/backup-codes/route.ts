import { regenerateBackupCodes, secondFactorProofSchema } from "@/lib/auth/totp";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Replaces all backup codes, given the password or a code; the old ones stop working. */
export const POST = route({ auth: "user", sessionOnly: true, rateLimit: "auth", body: secondFactorProofSchema }, async ({ input, actor }) =>
  regenerateBackupCodes(getDb(), actor.userId, input.body),
);
