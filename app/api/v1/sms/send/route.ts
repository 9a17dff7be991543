import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { created, route } from "@/lib/http/route";
import { hasVerifiedNumber } from "@/lib/sms/numbers";
import { sendSmsSchema } from "@/lib/sms/schemas";
import { sendSms } from "@/lib/sms/send";

export const dynamic = "force-dynamic";

/** Replies from a conversation through the hub's SMS provider. Only a user with a verified number may send. */
export const POST = route({ auth: "user", scopes: ["messages:write"], body: sendSmsSchema, rateLimit: "send" }, async ({ input, actor }) => {
  if (!(await hasVerifiedNumber(getDb(), actor.userId))) throw new AppError("forbidden", "Verify a phone number in Settings → Phone numbers before sending SMS");
  return created({ sid: (await sendSms(getDb(), { userId: actor.userId, to: input.body.to, body: input.body.body, kind: "reply" })).sid });
});
