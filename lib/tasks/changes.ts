import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { taskSyncState } from "@/lib/db/schema/tasks";
import { publish } from "@/lib/realtime/publish";
import { reservePositions } from "@/lib/sync/positions";
import { encodeCursor } from "@/lib/sync/cursor";
import { toTasks, type TaskRow } from "@/lib/tasks/load";
import type { TaskChange } from "@/lib/tasks/schemas";

/**
 * A task is in two users' sync streams: its owner's and its assignee's. Each
 * change takes a new position in every stream that shows the task, and in the
 * stream of a user who just lost sight of it (unassigned, or the task
 * deleted), where it arrives as a tombstone.
 *
 * Positions come from lib/sync/positions.ts, the mechanism message sync uses:
 * the per-(user, stream) counter row stays locked until this transaction
 * commits, so positions become visible in order and a reader never skips one.
 * One row per (user, task) in task_sync_state holds the latest position, so
 * the stream is compacted: a reader gets each task's latest state once.
 */
export type Notice = { userId: string; position: number; change: TaskChange };

export type Changed = {
  row: TaskRow;
  /** Users who could see the task before this change and may not now (a previous assignee). */
  formerViewers?: (string | null | undefined)[];
};

export async function recordTaskChanges(tx: Tx, changes: Changed[]): Promise<Notice[]> {
  if (changes.length === 0) return [];
  // One entry per task: its latest row, and everyone who saw it along the way.
  const merged = new Map<string, Changed>();
  for (const change of changes) {
    const earlier = merged.get(change.row.id);
    merged.set(change.row.id, { row: change.row, formerViewers: [...(earlier?.formerViewers ?? []), ...(earlier ? [earlier.row.assigneeId] : []), ...(change.formerViewers ?? [])] });
  }
  const changed = [...merged.values()];
  // Who sees each task now, and who gets a tombstone.
  const entries: { userId: string; row: TaskRow; visible: boolean }[] = [];
  for (const { row, formerViewers } of changed) {
    const viewers = new Set([row.userId, ...(row.assigneeId ? [row.assigneeId] : [])]);
    const users = new Set([...viewers, ...((formerViewers ?? []).filter(Boolean) as string[])]);
    for (const userId of users) entries.push({ userId, row, visible: row.deletedAt === null && viewers.has(userId) });
  }

  // Counter rows are locked in user id order, so two transactions touching
  // the same two users never wait on each other in a cycle.
  const byUser = new Map<string, typeof entries>();
  for (const entry of entries) byUser.set(entry.userId, [...(byUser.get(entry.userId) ?? []), entry]);
  const users = [...byUser.keys()].sort();

  const dtos = new Map((await toTasks(tx, changed.map((c) => c.row))).map((task) => [task.id, task]));
  const notices: Notice[] = [];
  const stateRows: (typeof taskSyncState.$inferInsert)[] = [];
  for (const userId of users) {
    const list = byUser.get(userId)!;
    let position = await reservePositions(tx, userId, "tasks", list.length);
    for (const entry of list) {
      const change: TaskChange = entry.visible ? { ...dtos.get(entry.row.id)!, deleted: false } : { id: entry.row.id, deleted: true };
      stateRows.push({ userId, taskId: entry.row.id, position, visible: entry.visible });
      notices.push({ userId, position, change });
      position++;
    }
  }
  await tx
    .insert(taskSyncState)
    .values(stateRows)
    .onConflictDoUpdate({
      target: [taskSyncState.userId, taskSyncState.taskId],
      set: { position: sql`excluded.position`, visible: sql`excluded.visible` },
    });
  return notices;
}

/** After the commit: `task:changed` to each user, with that user's position and cursor. */
export function publishTaskChanges(notices: Notice[]): void {
  for (const notice of notices) {
    publish(`user:${notice.userId}`, "task:changed", { position: notice.position, cursor: encodeCursor(notice.position), change: notice.change });
  }
}
