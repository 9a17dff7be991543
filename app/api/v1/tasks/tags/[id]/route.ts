import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { updateTagSchema } from "@/lib/tasks/schemas";
import { deleteTag, updateTag } from "@/lib/tasks/tags";

export const dynamic = "force-dynamic";

/** Renames or recolours a tag; its tasks resync with the new name. */
export const PATCH = route({ auth: "user", scopes: ["tasks:write"], params: idParams, body: updateTagSchema }, async ({ input, actor }) =>
  updateTag(getDb(), actor.userId, input.params.id, input.body),
);

/** Deletes a tag and removes it from its tasks. */
export const DELETE = route({ auth: "user", scopes: ["tasks:write"], params: idParams }, async ({ input, actor }) => {
  await deleteTag(getDb(), actor.userId, input.params.id);
  return noContent();
});
