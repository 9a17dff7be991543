import { getDb } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { createTaskOnce } from "@/lib/tasks/create";
import { listTasks } from "@/lib/tasks/list";
import { createTaskSchema, listTasksQuerySchema } from "@/lib/tasks/schemas";

export const dynamic = "force-dynamic";

/** The caller's tasks and those assigned to them: filters, a view, sort, cursor pages. */
export const GET = route({ auth: "user", scopes: ["tasks:read"], query: listTasksQuerySchema }, async ({ input, actor }) => listTasks(getDb(), actor.userId, input.query));

/** Creates a task owned by the caller (201); a create sent again with the same clientId returns that task (200). */
export const POST = route({ auth: "user", scopes: ["tasks:write"], body: createTaskSchema }, async ({ input, actor }) => {
  const { task, created } = await createTaskOnce(getDb(), actor.userId, input.body);
  return json(task, { status: created ? 201 : 200 });
});
