import { idParams } from "@/lib/auth/params";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { completeTask } from "@/lib/tasks/complete";

export const dynamic = "force-dynamic";

/** Completes a task: `{task, next?}`, next being a recurring task's next occurrence, created once however many clients complete at once. */
export const POST = route({ auth: "user", scopes: ["tasks:write"], params: idParams }, async ({ input, actor }) => {
  const { task, next } = await completeTask(getDb(), actor.userId, input.params.id);
  return next ? { task, next } : { task };
});
