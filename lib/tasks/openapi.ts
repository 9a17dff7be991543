import { z } from "zod";
import { idParams } from "@/lib/auth/params";
import type { ApiOperation, ApiTag, SameShape, Serialized } from "@/lib/http/openapi";
import type { Completion } from "@/lib/tasks/complete";
import type { SeriesHistory } from "@/lib/tasks/get";
import type { TaskPage } from "@/lib/tasks/list";
import type { previewRecurrence } from "@/lib/tasks/preview";
import {
  createTagSchema,
  createTaskSchema,
  createViewSchema,
  listTasksQuerySchema,
  previewQuerySchema,
  skipOccurrenceSchema,
  syncTasksQuerySchema,
  taskFilterSchema,
  taskPrioritySchema,
  taskStatusSchema,
  updateTagSchema,
  updateTaskSchema,
  updateViewSchema,
  type Task,
  type TaskChange,
} from "@/lib/tasks/schemas";
import type { TaskSyncPage } from "@/lib/tasks/sync";
import type { Tag } from "@/lib/tasks/tags";
import type { SavedView } from "@/lib/tasks/views";

const tag = "Tasks";
const tagsAndViews = "Task tags and views";

export const taskTags: ApiTag[] = [
  {
    name: tag,
    description: "One-off and recurring tasks (an RRULE expanded in the task's time zone), reminders, assignees, version-checked edits, and each series' history. See docs/tasks.md.",
  },
  { name: tagsAndViews, description: "Each person's task tags with their colours, and saved views: named filters for the task list, next to four built-in ones." },
];

const reminderState = {
  fireAt: z.string().nullable().meta({ description: "When the reminder is due: at, or offsetMinutes before the task's dueAt (null without a due date). Recomputed whenever the task changes." }),
  sentAt: z.string().nullable().meta({ description: "When it went out; cleared when fireAt moves, so it goes out again." }),
  late: z.boolean().meta({ description: "Delivered more than 2 minutes after fireAt (a lost job or downtime, caught by the sweep)." }),
};
const reminderSchema = z.union([
  z.object({ id: z.string(), at: z.string(), ...reminderState }),
  z.object({ id: z.string(), offsetMinutes: z.number().int().meta({ description: "Minutes before the due date." }), relativeTo: z.literal("due"), ...reminderState }),
]);

const taskSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  assigneeId: z.string().nullable(),
  title: z.string(),
  description: z.string().meta({ description: "Markdown." }),
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  tags: z.array(z.string()).meta({ description: "Names of the owner's tags." }),
  dueAt: z.string().nullable().meta({ description: "An instant, to the second; for an all-day task, local midnight of its day in timezone." }),
  allDay: z.boolean(),
  timezone: z.string().meta({ description: "An IANA time zone: the rule's TZID, and the zone of an all-day task's day." }),
  rrule: z.string().nullable().meta({ description: "The RRULE as stored: upper case, without the RRULE: prefix. Its DTSTART is the series' first due date." }),
  exdates: z.array(z.string()).meta({ description: "Skipped dates of the series (EXDATE)." }),
  recurFrom: z.enum(["schedule", "completion"]),
  seriesId: z.string().nullable().meta({ description: "For a recurring task, the id of the series' first occurrence, shared by every occurrence; null for a one-off task." }),
  occurrenceDate: z.string().nullable().meta({ description: "The date the schedule gave this occurrence; dueAt differs after an only-this move." }),
  occurrenceIndex: z.number().int().meta({ description: "This occurrence's 1-based place in its series (COUNT counts these)." }),
  reminders: z.array(reminderSchema).meta({ description: "In the order they fire." }),
  sortOrder: z.number().meta({ description: "The position in the manual sort." }),
  version: z.number().int().meta({ description: "Incremented by every change to the task; PATCH requires the one the client last saw." }),
  completedAt: z.string().nullable(),
  skippedAt: z.string().nullable().meta({ description: "When this occurrence was skipped; a skipped occurrence is deleted too." }),
  deletedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const _taskShape: SameShape<z.output<typeof taskSchema>, Serialized<Task>> = true;

const taskChangeSchema = z.union([
  taskSchema.extend({ deleted: z.literal(false) }),
  z.object({ id: z.string(), deleted: z.literal(true) }).meta({ description: "A tombstone: the task was deleted or skipped, or the caller can no longer see it (unassigned). It carries none of the task's content." }),
]);
const _taskChangeShape: SameShape<z.output<typeof taskChangeSchema>, Serialized<TaskChange>> = true;

const taskPageSchema = z.object({ data: z.array(taskSchema), nextCursor: z.string().nullable(), hasMore: z.boolean() });
const _taskPageShape: SameShape<z.output<typeof taskPageSchema>, Serialized<TaskPage>> = true;

const taskSyncPageSchema = z.object({
  changes: z.array(taskChangeSchema),
  cursor: z.string().meta({ description: "Send as since for the next page; the since that was sent when the page is empty." }),
  hasMore: z.boolean(),
});
const _taskSyncPageShape: SameShape<z.output<typeof taskSyncPageSchema>, Serialized<TaskSyncPage>> = true;

const completionSchema = z.object({
  task: taskSchema,
  next: taskSchema.optional().meta({ description: "A recurring task's next occurrence; absent for a one-off task and when the series has ended." }),
});
const _completionShape: SameShape<z.output<typeof completionSchema>, Serialized<{ task: Completion["task"]; next?: NonNullable<Completion["next"]> }>> = true;

const historySchema = z.object({
  seriesId: z.string().nullable(),
  occurrences: z.array(taskSchema.extend({ state: z.enum(["open", "done", "skipped", "deleted"]) })).meta({ description: "Oldest first, at most 1,000." }),
  skippedDates: z.array(z.string()).meta({ description: "Every skipped date of the series, including dates skipped in advance that were never created." }),
});
const _historyShape: SameShape<z.output<typeof historySchema>, Serialized<SeriesHistory>> = true;

const previewSchema = z.object({ dates: z.array(z.string()).meta({ description: "Instants, in order." }) });
const _previewShape: SameShape<z.output<typeof previewSchema>, Serialized<ReturnType<typeof previewRecurrence>>> = true;

const tagSchema = z.object({ id: z.string(), name: z.string(), color: z.string().meta({ description: "#rrggbb" }), createdAt: z.string(), updatedAt: z.string() });
const _tagShape: SameShape<z.output<typeof tagSchema>, Serialized<Tag>> = true;

/** The filters as a view returns them: the boolean filters already parsed. */
const viewFiltersSchema = taskFilterSchema.extend({
  overdue: z.boolean().optional().meta({ description: "Open and past due; an all-day task once its local day is over." }),
  hasReminder: z.boolean().optional(),
});

const viewSchema = z.object({
  id: z.string().meta({ description: "A built-in view's id is its name: today, upcoming, overdue or assigned." }),
  name: z.string(),
  builtIn: z.boolean(),
  filters: viewFiltersSchema,
  createdAt: z.string().nullable().meta({ description: "null for a built-in view." }),
  updatedAt: z.string().nullable().meta({ description: "null for a built-in view." }),
});
const _viewShape: SameShape<z.output<typeof viewSchema>, Serialized<SavedView>> = true;

const taskNotFound = { 404: { description: "No such task, deleted, or neither the caller's own nor assigned to them" } };
const builtInView = { 403: { description: "A built-in view, which cannot be changed or deleted" } };

export const taskOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/tasks",
    tag,
    summary: "List the caller's tasks and those assigned to them",
    description: "Filters, a view (built-in or saved; explicit filters refine it) and a sort; deleted and skipped occurrences are left out. A cursor belongs to the sort it was issued for.",
    auth: "user",
    scopes: ["tasks:read"],
    query: listTasksQuerySchema,
    responses: {
      200: { description: "A page of tasks", schema: taskPageSchema },
      404: { description: "view names no built-in view and none of the caller's saved views" },
      422: { description: "A filter failed validation, or the cursor is from another list or sort" },
    },
  },
  {
    method: "post",
    path: "/api/v1/tasks",
    tag,
    summary: "Create a task, once per clientId",
    description:
      "With rrule the task is the first occurrence of a series, and dueAt (its DTSTART) is required; the rule is expanded on wall-clock time in timezone, which defaults to the owner's. Sent again with the same clientId, the create writes nothing and answers 200 with the task the first request made, as it is now. The caller owns the task; reminders are armed, and task:changed goes to the owner and the assignee.",
    auth: "user",
    scopes: ["tasks:write"],
    body: createTaskSchema,
    responses: {
      201: { description: "Created", schema: taskSchema },
      200: { description: "A repeat of an earlier create with the same clientId: that task, nothing new written", schema: taskSchema },
      422: { description: "Validation failed: an invalid RRULE (the message names the problem), a recurring task without dueAt, a bare date with allDay: false, or an assigneeId that is not an active user" },
    },
  },
  { method: "get", path: "/api/v1/tasks/{id}", tag, summary: "One task", auth: "user", scopes: ["tasks:read"], params: idParams, responses: { 200: { description: "The task", schema: taskSchema }, ...taskNotFound } },
  {
    method: "patch",
    path: "/api/v1/tasks/{id}",
    tag,
    summary: "Change a task at the version the client last saw",
    description:
      "A stale version answers 409 with the current task as task in the problem body, to merge and retry with task.version. On an occurrence of a recurring task, scope picks this occurrence or this and the following; a change of the schedule (rrule, recurFrom, timezone, allDay, or dueAt for the following) restarts the rule at this occurrence, which must be the series' latest. status: done counts as a completion and creates the next occurrence; reminders replace the list, and one whose fire time moves is armed again.",
    auth: "user",
    scopes: ["tasks:write"],
    params: idParams,
    body: updateTaskSchema,
    responses: {
      200: { description: "The task", schema: taskSchema },
      403: { description: "The assignee tried to assign the task to someone else; only the owner assigns (an assignee may set null)" },
      ...taskNotFound,
      409: {
        description: "The version is stale (the problem body's task is the current task), the schedule was changed on an occurrence that already has a later one, or another occurrence of the series is already at that date",
      },
      422: { description: "Validation failed, as on create" },
    },
  },
  {
    method: "delete",
    path: "/api/v1/tasks/{id}",
    tag,
    summary: "Delete a task (a tombstone in sync)",
    description: "Only the owner deletes. Deleting an occurrence of a recurring task ends the series there; to move past one occurrence, skip it. Its reminders are cancelled.",
    auth: "user",
    scopes: ["tasks:write"],
    params: idParams,
    responses: { 204: { description: "Deleted" }, 403: { description: "The caller is the task's assignee, not its owner" }, ...taskNotFound },
  },
  {
    method: "post",
    path: "/api/v1/tasks/{id}/complete",
    tag,
    summary: "Complete a task; a recurring task's next occurrence is created",
    description:
      "Idempotent: completing a task that is already done changes nothing and returns it with its existing next occurrence, so a retry, or several devices completing at once, all get the same next. The next occurrence is created exactly once, with the task's fields, tags and due-relative reminders, at the rule's next date after this occurrence (recurFrom: schedule), or its first date once restarted on the local day of completion (recurFrom: completion). The task's reminders are cancelled.",
    auth: "user",
    scopes: ["tasks:write"],
    params: idParams,
    responses: { 200: { description: "The completed task, and the next occurrence if any", schema: completionSchema }, ...taskNotFound },
  },
  {
    method: "post",
    path: "/api/v1/tasks/{id}/skip",
    tag,
    summary: "Skip an occurrence of a recurring task",
    description:
      "Without occurrenceDate, the open occurrence is skipped: its date becomes an EXDATE, it leaves the lists (a tombstone in sync), and next is the following occurrence, created exactly once as on completion; sent again (a retry, or another client at the same moment), it changes nothing and answers the same: the skipped occurrence and the one that now follows it. With occurrenceDate, a later date of the schedule is skipped in advance and never created (next is absent); a date already skipped returns the task unchanged. A series that repeats from completion has no later dates to name.",
    auth: "user",
    scopes: ["tasks:write"],
    params: idParams,
    query: skipOccurrenceSchema,
    responses: {
      200: { description: "The skipped occurrence (or, with occurrenceDate, the task with the date added to exdates), and the next occurrence if one was created or already existed", schema: completionSchema },
      404: { description: "No such task the caller can see, or the occurrence was already skipped or deleted" },
      409: { description: "The occurrence is already done" },
      422: { description: "The task does not repeat, or occurrenceDate is before this occurrence, not a date of the schedule, or given for a series that repeats from completion" },
    },
  },
  {
    method: "get",
    path: "/api/v1/tasks/{id}/history",
    tag,
    summary: "A recurring task's series: every occurrence, oldest first",
    description: "Each occurrence has a state (open, done, skipped or deleted). An assignee sees the occurrences assigned to them; a task that does not repeat comes back alone, with seriesId null.",
    auth: "user",
    scopes: ["tasks:read"],
    params: idParams,
    responses: { 200: { description: "The series' history", schema: historySchema }, ...taskNotFound },
  },
  {
    method: "get",
    path: "/api/v1/tasks/recurrence/preview",
    tag,
    summary: "The next dates of an RRULE, for the recurrence editor",
    description:
      "Expands the rule from dtstart on wall-clock time in timezone, as a task's schedule is (dtstart itself comes first when the rule matches it); a rule that finds no date for a long stretch counts as ended, so fewer than count dates can come back. Limited to 120 calls a minute per caller, on top of the API's limit.",
    auth: "user",
    scopes: ["tasks:read"],
    query: previewQuerySchema,
    responses: {
      200: { description: "The dates", schema: previewSchema },
      422: { description: "An invalid RRULE (the message names the problem), time zone or dtstart" },
      429: { description: "More than 120 previews in a minute; Retry-After says when to try again" },
    },
  },
  {
    method: "get",
    path: "/api/v1/tasks/tags",
    tag: tagsAndViews,
    summary: "The caller's task tags with their colours",
    description: "Every tag, by name, in one response (not paged).",
    auth: "user",
    scopes: ["tasks:read"],
    responses: { 200: { description: "The tags", schema: z.object({ data: z.array(tagSchema) }) } },
  },
  {
    method: "post",
    path: "/api/v1/tasks/tags",
    tag: tagsAndViews,
    summary: "Create a tag",
    description: "Without a color, the tag gets the stable default colour of its name. Tasks also create tags on the fly, by name.",
    auth: "user",
    scopes: ["tasks:write"],
    body: createTagSchema,
    responses: { 201: { description: "The tag", schema: tagSchema }, 409: { description: "The caller already has a tag of that name (names are case-insensitive)" } },
  },
  {
    method: "patch",
    path: "/api/v1/tasks/tags/{id}",
    tag: tagsAndViews,
    summary: "Rename or recolour a tag",
    description: "A rename reaches every device: each live task carrying the tag takes a new sync position and a task:changed event (its version does not change).",
    auth: "user",
    scopes: ["tasks:write"],
    params: idParams,
    body: updateTagSchema,
    responses: { 200: { description: "The tag", schema: tagSchema }, 404: { description: "No such tag of the caller's" }, 409: { description: "The caller already has another tag of that name" } },
  },
  {
    method: "delete",
    path: "/api/v1/tasks/tags/{id}",
    tag: tagsAndViews,
    summary: "Delete a tag and remove it from its tasks",
    description: "Each live task that carried it takes a new sync position and a task:changed event (its version does not change).",
    auth: "user",
    scopes: ["tasks:write"],
    params: idParams,
    responses: { 204: { description: "Deleted" }, 404: { description: "No such tag of the caller's" } },
  },
  {
    method: "get",
    path: "/api/v1/tasks/views",
    tag: tagsAndViews,
    summary: "The built-in views and the caller's saved ones",
    description:
      "The four built-in views come first: today (open tasks due by the end of today, overdue included), upcoming (from tomorrow), overdue and assigned (open tasks assigned to the caller); then the caller's views, oldest first, in one response (not paged).",
    auth: "user",
    scopes: ["tasks:read"],
    responses: { 200: { description: "The views", schema: z.object({ data: z.array(viewSchema) }) } },
  },
  {
    method: "post",
    path: "/api/v1/tasks/views",
    tag: tagsAndViews,
    summary: "Save a named filter as a view",
    description: "Apply it with GET /api/v1/tasks?view=<id>. dueFromDay and dueToDay are days from today in the caller's time zone, so a view stays relative to the day it is used.",
    auth: "user",
    scopes: ["tasks:write"],
    body: createViewSchema,
    responses: { 201: { description: "The view", schema: viewSchema } },
  },
  {
    method: "get",
    path: "/api/v1/tasks/views/{id}",
    tag: tagsAndViews,
    summary: "One view, built-in or saved",
    auth: "user",
    scopes: ["tasks:read"],
    params: idParams,
    responses: { 200: { description: "The view", schema: viewSchema }, 404: { description: "No such view of the caller's" } },
  },
  {
    method: "patch",
    path: "/api/v1/tasks/views/{id}",
    tag: tagsAndViews,
    summary: "Rename a saved view or replace its filters",
    auth: "user",
    scopes: ["tasks:write"],
    params: idParams,
    body: updateViewSchema,
    responses: { 200: { description: "The view", schema: viewSchema }, ...builtInView, 404: { description: "No such view of the caller's" } },
  },
  {
    method: "delete",
    path: "/api/v1/tasks/views/{id}",
    tag: tagsAndViews,
    summary: "Delete a saved view",
    auth: "user",
    scopes: ["tasks:write"],
    params: idParams,
    responses: { 204: { description: "Deleted" }, ...builtInView, 404: { description: "No such view of the caller's" } },
  },
  {
    method: "get",
    path: "/api/v1/sync/tasks",
    tag: "Sync",
    summary: "Every task change after a cursor, in order, tombstones included",
    description:
      "Page with the returned cursor until hasMore is false: every task the caller owns or is assigned that changed after the cursor comes once, at its latest state, in order, and a change committed late by a concurrent writer is never skipped. A task is in its owner's and its assignee's streams, each with its own positions, so a cursor is valid only for the user it was issued to. Every change is also published after commit as task:changed {position, cursor, change}; a client that sees a gap in positions syncs from its cursor.",
    auth: "user",
    scopes: ["tasks:read"],
    query: syncTasksQuerySchema,
    responses: { 200: { description: "A page of changes", schema: taskSyncPageSchema }, 422: { description: "since is not a cursor this server issued" } },
  },
];
