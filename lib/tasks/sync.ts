import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { taskSyncState, tasks } from "@/lib/db/schema/tasks";
import { encodeCursor } from "@/lib/sync/cursor";
import { observeSyncPage } from "@/lib/sync/observe";
import { taskColumns, toTasks, visibleTo } from "@/lib/tasks/load";
import type { TaskChange } from "@/lib/tasks/schemas";

export type TaskSyncPage = { changes: TaskChange[]; cursor: string; hasMore: boolean };

/**
 * GET /api/v1/sync/tasks: the user's task changes after a position, in
 * position order, the same contract as message sync. Each task appears once
 * with its latest state; a task the user can no longer see (deleted,
 * unassigned from them) is a tombstone `{id, deleted: true}`.
 *
 * Tenancy holds twice: the stream is the user's own (task_sync_state.user_id),
 * and the task row is read only if the user may still see it.
 */
export async function syncTasks(db: Database, userId: string, options: { since: number; limit: number }): Promise<TaskSyncPage> {
  const entries = await db
    .select()
    .from(taskSyncState)
    .where(and(eq(taskSyncState.userId, userId), gt(taskSyncState.position, options.since)))
    .orderBy(asc(taskSyncState.position))
    .limit(options.limit + 1);
  const hasMore = entries.length > options.limit;
  const page = entries.slice(0, options.limit);
  const visibleIds = page.filter((entry) => entry.visible).map((entry) => entry.taskId);
  const rows = visibleIds.length > 0 ? await db.select(taskColumns).from(tasks).where(and(inArray(tasks.id, visibleIds), visibleTo(userId))) : [];
  const byId = new Map((await toTasks(db, rows)).map((task) => [task.id, task]));
  const changes: TaskChange[] = page.map((entry) => {
    const task = entry.visible ? byId.get(entry.taskId) : undefined;
    // Seen as visible when its position was taken but not visible now: a later position carries the tombstone.
    return task ? { ...task, deleted: false } : { id: entry.taskId, deleted: true };
  });
  observeSyncPage("tasks", changes);
  return { changes, cursor: encodeCursor(page.at(-1)?.position ?? options.since), hasMore };
}
