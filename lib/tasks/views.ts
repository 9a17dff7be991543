import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { taskSavedViews } from "@/lib/db/schema/tasks";
import { AppError } from "@/lib/http/errors";
import { taskFilterSchema, type TaskFilter } from "@/lib/tasks/schemas";

/**
 * Saved views: named task filters. Four are built in (their ids are their
 * names); users add their own. GET /api/v1/tasks?view=<id> applies one.
 * Relative dates (dueFromDay, dueToDay) are days from today in the user's
 * time zone, so "Today" stays today.
 */
export type SavedView = { id: string; name: string; builtIn: boolean; filters: TaskFilter; createdAt: string | null; updatedAt: string | null };

const OPEN: TaskFilter["status"] = ["todo", "in_progress"];

export const BUILT_IN_VIEWS: SavedView[] = [
  // Due by the end of today, overdue included (what is left to do today).
  { id: "today", name: "Today", builtIn: true, filters: { status: OPEN, dueToDay: 0, sort: "dueAt" }, createdAt: null, updatedAt: null },
  { id: "upcoming", name: "Upcoming", builtIn: true, filters: { status: OPEN, dueFromDay: 1, sort: "dueAt" }, createdAt: null, updatedAt: null },
  { id: "overdue", name: "Overdue", builtIn: true, filters: { status: OPEN, overdue: true, sort: "dueAt" }, createdAt: null, updatedAt: null },
  { id: "assigned", name: "Assigned to me", builtIn: true, filters: { status: OPEN, assignee: "me", sort: "dueAt" }, createdAt: null, updatedAt: null },
];

type ViewRow = typeof taskSavedViews.$inferSelect;

function toView(row: ViewRow): SavedView {
  return {
    id: row.id,
    name: row.name,
    builtIn: false,
    // Stored filters were validated on write; parsing again keeps old rows safe if the schema tightens.
    filters: taskFilterSchema.catch({}).parse(row.filters),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listViews(db: Database, userId: string): Promise<SavedView[]> {
  const rows = await db.select().from(taskSavedViews).where(eq(taskSavedViews.userId, userId)).orderBy(asc(taskSavedViews.createdAt), asc(taskSavedViews.id));
  return [...BUILT_IN_VIEWS, ...rows.map(toView)];
}

export async function getView(db: Database, userId: string, id: string): Promise<SavedView> {
  const builtIn = BUILT_IN_VIEWS.find((view) => view.id === id);
  if (builtIn) return builtIn;
  const [row] = await db
    .select()
    .from(taskSavedViews)
    .where(and(eq(taskSavedViews.id, id), eq(taskSavedViews.userId, userId)));
  if (!row) throw new AppError("not_found", "View not found");
  return toView(row);
}

/** The filters of a view by id, for the task list. */
export async function resolveView(db: Database, userId: string, id: string): Promise<TaskFilter> {
  return (await getView(db, userId, id)).filters;
}

export async function createView(db: Database, userId: string, input: { name: string; filters: TaskFilter }): Promise<SavedView> {
  const now = new Date();
  const [row] = await db.insert(taskSavedViews).values({ id: newId("view"), userId, name: input.name, filters: input.filters, createdAt: now, updatedAt: now }).returning();
  return toView(row!);
}

export async function updateView(db: Database, userId: string, id: string, input: { name?: string; filters?: TaskFilter }): Promise<SavedView> {
  if (BUILT_IN_VIEWS.some((view) => view.id === id)) throw new AppError("forbidden", "Built-in views cannot be changed");
  const [row] = await db
    .update(taskSavedViews)
    .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(input.filters !== undefined ? { filters: input.filters } : {}), updatedAt: new Date() })
    .where(and(eq(taskSavedViews.id, id), eq(taskSavedViews.userId, userId)))
    .returning();
  if (!row) throw new AppError("not_found", "View not found");
  return toView(row);
}

export async function deleteView(db: Database, userId: string, id: string): Promise<void> {
  if (BUILT_IN_VIEWS.some((view) => view.id === id)) throw new AppError("forbidden", "Built-in views cannot be deleted");
  const rows = await db
    .delete(taskSavedViews)
    .where(and(eq(taskSavedViews.id, id), eq(taskSavedViews.userId, userId)))
    .returning({ id: taskSavedViews.id });
  if (rows.length === 0) throw new AppError("not_found", "View not found");
}
