import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database, Tx } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { taskTagLinks, taskTags, tasks } from "@/lib/db/schema/tasks";
import { AppError } from "@/lib/http/errors";
import { publishTaskChanges, recordTaskChanges } from "@/lib/tasks/changes";
import { taskColumns } from "@/lib/tasks/load";

/**
 * Tags are a user's own entities with a colour; a task links to its owner's
 * tags. The API speaks tag names on tasks (case-insensitive, created on first
 * use) and tag ids on the tag page's routes.
 */
export type Tag = { id: string; name: string; color: string; createdAt: string; updatedAt: string };
type TagRow = typeof taskTags.$inferSelect;

const PALETTE = ["#ef4444", "#f97316", "#eab308", "#22c55e", "#14b8a6", "#3b82f6", "#6366f1", "#a855f7", "#ec4899", "#64748b"];

/** A stable default colour per name, so a tag made on the fly does not change colour between devices. */
export function defaultColor(name: string): string {
  let hash = 0;
  for (const char of name.toLowerCase()) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

function toTag(row: TagRow): Tag {
  return { id: row.id, name: row.name, color: row.color, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** Finds or creates the owner's tags by name and returns their ids. */
async function ensureTags(tx: Tx, ownerId: string, names: string[]): Promise<string[]> {
  // The first spelling of a name wins ("Admin", "admin" → "Admin").
  const byKey = new Map<string, string>();
  for (const name of names) if (!byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
  const unique = [...byKey.values()];
  if (unique.length === 0) return [];
  for (const name of unique) {
    await tx.execute(sql`
      insert into task_tags (id, user_id, name, color) values (${newId("tag")}, ${ownerId}, ${name}, ${defaultColor(name)})
      on conflict (user_id, lower(name)) do nothing
    `);
  }
  const rows = await tx
    .select({ id: taskTags.id })
    .from(taskTags)
    .where(and(eq(taskTags.userId, ownerId), inArray(sql`lower(${taskTags.name})`, unique.map((name) => name.toLowerCase()))));
  return rows.map((row) => row.id);
}

/** Replaces a task's tags with these names (in its owner's namespace). */
export async function setTaskTags(tx: Tx, ownerId: string, taskId: string, names: string[]): Promise<void> {
  const ids = await ensureTags(tx, ownerId, names);
  await tx.delete(taskTagLinks).where(eq(taskTagLinks.taskId, taskId));
  if (ids.length > 0) await tx.insert(taskTagLinks).values(ids.map((tagId) => ({ taskId, tagId })));
}

/** The names of a task's tags (for copying to its next occurrence). */
export async function tagNamesOf(tx: Tx, taskId: string): Promise<string[]> {
  const rows = await tx.select({ name: taskTags.name }).from(taskTagLinks).innerJoin(taskTags, eq(taskTags.id, taskTagLinks.tagId)).where(eq(taskTagLinks.taskId, taskId));
  return rows.map((row) => row.name);
}

export async function listTags(db: Database, userId: string): Promise<Tag[]> {
  const rows = await db.select().from(taskTags).where(eq(taskTags.userId, userId)).orderBy(asc(sql`lower(${taskTags.name})`));
  return rows.map(toTag);
}

export async function createTag(db: Database, userId: string, input: { name: string; color?: string }): Promise<Tag> {
  const [row] = await db
    .insert(taskTags)
    .values({ id: newId("tag"), userId, name: input.name, color: input.color ?? defaultColor(input.name) })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError("conflict", `You already have a tag named '${input.name}'`);
  return toTag(row);
}

/**
 * Renames or recolours a tag. A rename changes what its tasks show, so each
 * live task carrying it takes a new sync position.
 */
export async function updateTag(db: Database, userId: string, id: string, input: { name?: string; color?: string }): Promise<Tag> {
  const { tag, notices } = await db.transaction(async (tx) => {
    const [current] = await tx.select().from(taskTags).where(and(eq(taskTags.id, id), eq(taskTags.userId, userId))).for("update");
    if (!current) throw new AppError("not_found", "Tag not found");
    if (input.name && input.name.toLowerCase() !== current.name.toLowerCase()) {
      const [clash] = await tx
        .select({ id: taskTags.id })
        .from(taskTags)
        .where(and(eq(taskTags.userId, userId), eq(sql`lower(${taskTags.name})`, input.name.toLowerCase())));
      if (clash) throw new AppError("conflict", `You already have a tag named '${input.name}'`);
    }
    const [row] = await tx
      .update(taskTags)
      .set({ name: input.name ?? current.name, color: input.color ?? current.color, updatedAt: new Date() })
      .where(eq(taskTags.id, id))
      .returning();
    const renamed = input.name !== undefined && input.name !== current.name;
    return { tag: toTag(row!), notices: renamed ? await touchTasksOfTag(tx, id) : [] };
  });
  publishTaskChanges(notices);
  return tag;
}

/** Deletes a tag; its tasks lose it and take a new sync position. */
export async function deleteTag(db: Database, userId: string, id: string): Promise<void> {
  const notices = await db.transaction(async (tx) => {
    const [current] = await tx.select().from(taskTags).where(and(eq(taskTags.id, id), eq(taskTags.userId, userId))).for("update");
    if (!current) throw new AppError("not_found", "Tag not found");
    const affected = await tx.select({ taskId: taskTagLinks.taskId }).from(taskTagLinks).where(eq(taskTagLinks.tagId, id));
    await tx.delete(taskTags).where(eq(taskTags.id, id));
    return bumpTasks(tx, affected.map((row) => row.taskId));
  });
  publishTaskChanges(notices);
}

async function touchTasksOfTag(tx: Tx, tagId: string) {
  const affected = await tx.select({ taskId: taskTagLinks.taskId }).from(taskTagLinks).where(eq(taskTagLinks.tagId, tagId));
  return bumpTasks(tx, affected.map((row) => row.taskId));
}

/** A change that is not an edit of the task itself: a new sync position, the same version. */
async function bumpTasks(tx: Tx, taskIds: string[]) {
  if (taskIds.length === 0) return [];
  // Lock in id order, so two tag changes sharing tasks never wait on each other in a cycle.
  await tx.select({ id: tasks.id }).from(tasks).where(inArray(tasks.id, taskIds)).orderBy(asc(tasks.id)).for("update");
  const rows = await tx
    .update(tasks)
    .set({ updatedAt: new Date() })
    .where(and(inArray(tasks.id, taskIds), isNull(tasks.deletedAt)))
    .returning(taskColumns);
  return recordTaskChanges(tx, rows.map((row) => ({ row })));
}
