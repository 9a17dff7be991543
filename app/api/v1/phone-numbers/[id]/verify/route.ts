import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { verifyPhoneNumber } from "@/lib/sms/numbers";
import { phoneNumberParamsSchema, verifyPhoneNumberSchema } from "@/lib/sms/schemas";

export const dynamic = "force-dynamic";

/** Checks the code: 10 minutes, 5 attempts. A right code makes the number route inbound SMS to the caller. */
export const POST = route({ auth: "user", scopes: ["devices:write"], params: phoneNumberParamsSchema, body: verifyPhoneNumberSchema, rateLimit: "auth" }, async ({ input, actor }) => ({
  phoneNumber: await verifyPhoneNumber(getDb(), actor.userId, input.params.id, input.body.code),
}));
