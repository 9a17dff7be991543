import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { resendCode } from "@/lib/sms/numbers";
import { phoneNumberParamsSchema } from "@/lib/sms/schemas";

export const dynamic = "force-dynamic";

/** Sends a fresh code (one a minute, five an hour per user); the attempts start over. */
export const POST = route({ auth: "user", scopes: ["devices:write"], params: phoneNumberParamsSchema }, async ({ input, actor }) => ({
  phoneNumber: await resendCode(getDb(), actor.userId, input.params.id),
}));
