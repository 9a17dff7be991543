import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { noContent, route } from "@/lib/http/route";
import { deleteTask } from "@/lib/tasks/delete";
import { getTask } from "@/lib/tasks/get";
import { updateTaskSchema } from "@/lib/tasks/schemas";
import { updateTask } from "@/lib/tasks/update";

export const dynamic = "force-dynamic";

/** A task the caller owns or is assigned; anything else is a 404. */
export const GET = route({ auth: "user", scopes: ["tasks:read"], params: idParams }, async ({ input, actor }) => getTask(getDb(), actor.userId, input.params.id));

/** Changes a task at `version`; a stale version is a 409 carrying the current task. */
export const PATCH = route({ auth: "user", scopes: ["tasks:write"], params: idParams, body: updateTaskSchema }, async ({ input, actor }) =>
  updateTask(getDb(), actor.userId, input.params.id, input.body),
);

/** Soft-deletes a task (owner only); devices receive a tombstone. */
export const DELETE = route({ auth: "user", scopes: ["tasks:write"], params: idParams }, async ({ input, actor }) => {
  await deleteTask(getDb(), actor.userId, input.params.id);
  return noContent();
});
