import { getDb } from "@/lib/db/client";
import { created, route } from "@/lib/http/route";
import { addPhoneNumber, listPhoneNumbers } from "@/lib/sms/numbers";
import { addPhoneNumberSchema } from "@/lib/sms/schemas";

export const dynamic = "force-dynamic";

/** The caller's phone numbers, verified or pending. */
export const GET = route({ auth: "user", scopes: ["messages:read"] }, async ({ actor }) => ({ data: await listPhoneNumbers(getDb(), actor.userId) }));

/** Adds a number (normalised to E.164) and texts it a 6-digit code. A number verified by someone else is a 409. */
export const POST = route({ auth: "user", scopes: ["devices:write"], body: addPhoneNumberSchema }, async ({ input, actor }) =>
  created({ phoneNumber: await addPhoneNumber(getDb(), actor.userId, input.body.phoneNumber) }),
);
