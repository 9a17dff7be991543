import { and, eq, gte, inArray, isNull, lt, not, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { searchQuery } from "@/lib/db/search";
import { taskReminders, taskTagLinks, taskTags, tasks } from "@/lib/db/schema/tasks";
import { AppError } from "@/lib/http/errors";
import { userTimezone } from "@/lib/tasks/fields";
import { taskColumns, toTasks, visibleTo } from "@/lib/tasks/load";
import type { ListTasksQuery, Task, TaskFilter } from "@/lib/tasks/schemas";
import { addLocalDays } from "@/lib/tasks/timezone";
import { resolveView } from "@/lib/tasks/views";

export type TaskPage = { data: Task[]; nextCursor: string | null; hasMore: boolean };

/**
 * Whether a task is overdue, in SQL: a timed task once its due instant has
 * passed; an all-day task once its whole local day has (midnight of the next
 * day in the task's own zone).
 */
function overdueAt(now: Date): SQL {
  return sql`(${tasks.status} <> 'done' and ${tasks.dueAt} is not null and case when ${tasks.allDay}
    then ((${tasks.dueAt} at time zone ${tasks.timezone}) + interval '1 day') at time zone ${tasks.timezone} <= ${now}::timestamptz
    else ${tasks.dueAt} < ${now}::timestamptz end)`;
}

export async function filterConditions(db: Database, userId: string, filter: TaskFilter, now: Date): Promise<SQL[]> {
  const where: SQL[] = [visibleTo(userId)];
  if (filter.status) where.push(inArray(tasks.status, filter.status));
  if (filter.priority) where.push(inArray(tasks.priority, filter.priority));
  if (filter.tag) {
    where.push(sql`exists (select 1 from ${taskTagLinks} join ${taskTags} on ${taskTags.id} = ${taskTagLinks.tagId}
      where ${taskTagLinks.taskId} = ${tasks.id} and lower(${taskTags.name}) = ${filter.tag.toLowerCase()})`);
  }
  if (filter.assignee === "me") where.push(eq(tasks.assigneeId, userId));
  else if (filter.assignee === "none") where.push(isNull(tasks.assigneeId));
  else if (filter.assignee) where.push(eq(tasks.assigneeId, filter.assignee));
  if (filter.dueBefore) where.push(lt(tasks.dueAt, new Date(filter.dueBefore)));
  if (filter.dueAfter) where.push(gte(tasks.dueAt, new Date(filter.dueAfter)));
  if (filter.dueFromDay !== undefined || filter.dueToDay !== undefined) {
    const timezone = await userTimezone(db, userId);
    if (filter.dueFromDay !== undefined) where.push(gte(tasks.dueAt, addLocalDays(now, filter.dueFromDay, timezone)));
    if (filter.dueToDay !== undefined) where.push(lt(tasks.dueAt, addLocalDays(now, filter.dueToDay + 1, timezone)));
  }
  if (filter.overdue !== undefined) where.push(filter.overdue ? overdueAt(now) : not(overdueAt(now)));
  if (filter.hasReminder !== undefined) {
    const has = sql`exists (select 1 from ${taskReminders} where ${taskReminders.taskId} = ${tasks.id})`;
    where.push(filter.hasReminder ? has : not(has));
  }
  if (filter.q) {
    const query = searchQuery(filter.q);
    // Nothing searchable (only punctuation): nothing matches.
    where.push(query ? sql`${tasks.search} @@ ${query}` : sql`false`);
  }
  return where;
}

/** Sort keys, each ending in the id so the order is total and a cursor names one position. */
type Key = { expr: SQL; dir: "asc" | "desc"; cast: "timestamptz" | "float8" | "text"; nullable: boolean };
const priorityRank = sql`(case ${tasks.priority} when 'high' then 3 when 'medium' then 2 else 1 end)`;
const idKey = (dir: "asc" | "desc"): Key => ({ expr: sql`${tasks.id}`, dir, cast: "text", nullable: false });
const SORTS: Record<NonNullable<TaskFilter["sort"]>, Key[]> = {
  dueAt: [{ expr: sql`${tasks.dueAt}`, dir: "asc", cast: "timestamptz", nullable: true }, idKey("asc")],
  priority: [{ expr: priorityRank, dir: "desc", cast: "float8", nullable: false }, { expr: sql`${tasks.dueAt}`, dir: "asc", cast: "timestamptz", nullable: true }, idKey("asc")],
  createdAt: [{ expr: sql`${tasks.createdAt}`, dir: "desc", cast: "timestamptz", nullable: false }, idKey("desc")],
  manual: [{ expr: sql`${tasks.sortOrder}`, dir: "asc", cast: "float8", nullable: false }, idKey("asc")],
};
const SORT_VALUES: Record<NonNullable<TaskFilter["sort"]>, (task: Task) => (string | number | null)[]> = {
  dueAt: (task) => [task.dueAt, task.id],
  priority: (task) => [{ high: 3, medium: 2, low: 1 }[task.priority], task.dueAt, task.id],
  createdAt: (task) => [task.createdAt, task.id],
  manual: (task) => [task.sortOrder, task.id],
};

type Cursor = { s: string; v: (string | number | null)[] };

function encodeListCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeListCursor(value: string, sort: string, keys: Key[]): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Cursor;
    if (cursor.s === sort && Array.isArray(cursor.v) && cursor.v.length === keys.length && cursor.v.every((v) => v === null || typeof v === "string" || typeof v === "number")) return cursor;
  } catch {
    // fall through
  }
  throw new AppError("validation_failed", "The query failed validation", { errors: [{ path: "query.cursor", message: "is not a cursor from this list and sort", code: "custom" }] });
}

/**
 * Rows strictly after the cursor in the sort order (nulls last in both
 * directions): for keys k1..kn, (k1 after v1) or (k1 = v1 and k2 after v2) or …
 */
function after(keys: Key[], values: (string | number | null)[]): SQL {
  const param = (key: Key, value: string | number) => sql`${value}::${sql.raw(key.cast)}`;
  const equal = (key: Key, value: string | number | null) => (value === null ? sql`${key.expr} is null` : sql`${key.expr} = ${param(key, value)}`);
  const beyond = (key: Key, value: string | number | null): SQL => {
    if (value === null) return sql`false`;
    const op = key.dir === "asc" ? sql`>` : sql`<`;
    return key.nullable ? sql`(${key.expr} ${op} ${param(key, value)} or ${key.expr} is null)` : sql`${key.expr} ${op} ${param(key, value)}`;
  };
  const branches = keys.map((key, i) => and(...keys.slice(0, i).map((k, j) => equal(k, values[j]!)), beyond(key, values[i]!))!);
  return or(...branches)!;
}

/**
 * The tasks a user can see, filtered, sorted and paged with a keyset cursor.
 * A `view` (built-in or saved) supplies filters that explicit ones refine.
 */
export async function listTasks(db: Database, userId: string, query: ListTasksQuery, options: { now?: Date } = {}): Promise<TaskPage> {
  const now = options.now ?? new Date();
  const { view, limit, cursor, ...explicit } = query;
  const base = view ? await resolveView(db, userId, view) : {};
  const filter: TaskFilter = { ...base, ...Object.fromEntries(Object.entries(explicit).filter(([, value]) => value !== undefined)) };
  const sort = filter.sort ?? "dueAt";
  const keys = SORTS[sort];

  const where = await filterConditions(db, userId, filter, now);
  if (cursor) where.push(after(keys, decodeListCursor(cursor, sort, keys).v));
  const rows = await db
    .select(taskColumns)
    .from(tasks)
    .where(and(...where))
    .orderBy(...keys.map((key) => sql`${key.expr} ${sql.raw(key.dir)} nulls last`))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const data = await toTasks(db, rows.slice(0, limit));
  const last = data.at(-1);
  return { data, hasMore, nextCursor: hasMore && last ? encodeListCursor({ s: sort, v: SORT_VALUES[sort](last) }) : null };
}
