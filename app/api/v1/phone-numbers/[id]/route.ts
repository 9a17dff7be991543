import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { deletePhoneNumber } from "@/lib/sms/numbers";
import { phoneNumberParamsSchema } from "@/lib/sms/schemas";

export const dynamic = "force-dynamic";

/** Removes a number; SMS from it stop routing to the caller at once. */
export const DELETE = route({ auth: "user", scopes: ["devices:write"], params: phoneNumberParamsSchema }, async ({ input, actor }) => {
  await deletePhoneNumber(getDb(), actor.userId, input.params.id);
  return noContent();
});
