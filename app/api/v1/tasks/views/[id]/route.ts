import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { updateViewSchema } from "@/lib/tasks/schemas";
import { deleteView, getView, updateView } from "@/lib/tasks/views";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "user", scopes: ["tasks:read"], params: idParams }, async ({ input, actor }) => getView(getDb(), actor.userId, input.params.id));

export const PATCH = route({ auth: "user", scopes: ["tasks:write"], params: idParams, body: updateViewSchema }, async ({ input, actor }) =>
  updateView(getDb(), actor.userId, input.params.id, input.body),
);

export const DELETE = route({ auth: "user", scopes: ["tasks:write"], params: idParams }, async ({ input, actor }) => {
  await deleteView(getDb(), actor.userId, input.params.id);
  return noContent();
});
