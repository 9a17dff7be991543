import { z } from "zod";
import { sinceSchema, syncLimitSchema } from "@/lib/sync/cursor";
import { parseRule } from "@/lib/tasks/recurrence";
import { isValidTimeZone } from "@/lib/tasks/timezone";

/**
 * Every shape the tasks API accepts and returns. Routes validate with these;
 * the domain functions take their output types.
 */
export const TASK_STATUSES = ["todo", "in_progress", "done"] as const;
export const TASK_PRIORITIES = ["low", "medium", "high"] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export const taskPrioritySchema = z.enum(TASK_PRIORITIES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;
export type TaskPriority = z.infer<typeof taskPrioritySchema>;

// Text is stored as sent, minus control characters (newlines and tabs stay in descriptions).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const CONTROL_AND_NEWLINES = /[\u0000-\u001f\u007f]/g;

const titleSchema = z
  .string()
  .transform((value) => value.replace(CONTROL_AND_NEWLINES, " ").trim())
  .pipe(z.string().min(1, "is required").max(500));
const descriptionSchema = z
  .string()
  .max(20_000)
  .transform((value) => value.replace(CONTROL, ""));

export const timezoneSchema = z.string().refine(isValidTimeZone, "must be an IANA time zone such as Europe/Paris");

export const instantSchema = z.iso.datetime({ offset: true, message: "must be an ISO 8601 timestamp with an offset" });

/** A due date: a timestamp with an offset, or a bare date for an all-day task. */
const dueAtSchema = z.union([instantSchema, z.iso.date()], { error: "must be an ISO 8601 timestamp with an offset, or a date (YYYY-MM-DD) for an all-day task" });

export const rruleSchema = z
  .string()
  .max(500)
  .superRefine((value, ctx) => {
    const parsed = parseRule(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
  })
  .transform((value) => {
    const parsed = parseRule(value);
    return parsed.ok ? parsed.rule.text : value;
  });

const tagNameSchema = z
  .string()
  .transform((value) => value.replace(CONTROL_AND_NEWLINES, "").trim())
  .pipe(z.string().min(1, "is required").max(50));

/** Reminder input: `{at}` or `{offsetMinutes, relativeTo: "due"}`. Other keys (id, fireAt…) are ignored, so a task read back can be sent back. */
export const reminderInputSchema = z.union(
  [
    z.object({ at: instantSchema }),
    z.object({
      offsetMinutes: z.number().int().min(0, "must be 0 or more (minutes before the due date)").max(525_600, "must be at most a year"),
      relativeTo: z.literal("due").default("due"),
    }),
  ],
  { error: "must be {at} or {offsetMinutes, relativeTo: \"due\"}" },
);
export type ReminderInput = z.infer<typeof reminderInputSchema>;

const remindersSchema = z.array(reminderInputSchema).max(10, "at most 10 reminders per task");
const tagsSchema = z.array(tagNameSchema).max(20, "at most 20 tags per task");

export const createTaskSchema = z.object({
  title: titleSchema,
  description: descriptionSchema.optional(),
  status: taskStatusSchema.optional(),
  priority: taskPrioritySchema.optional(),
  tags: tagsSchema.optional().meta({ description: "Tag names; a new name creates a tag with a default colour." }),
  dueAt: dueAtSchema.nullable().optional().meta({ description: "A timestamp with an offset, or a date (YYYY-MM-DD) for an all-day task, due at local midnight in its time zone. Required with rrule: it is the first occurrence (DTSTART)." }),
  allDay: z.boolean().optional(),
  timezone: timezoneSchema.optional().meta({ description: "An IANA time zone (the rule's TZID). Defaults to the owner's time zone." }),
  rrule: rruleSchema.nullable().optional().meta({ description: "One RFC 5545 RRULE value, such as FREQ=WEEKLY;BYDAY=MO,WE, without DTSTART or TZID. Expanded on wall-clock time in the task's time zone. See docs/tasks.md#recurrence." }),
  recurFrom: z.enum(["schedule", "completion"]).optional().meta({ description: "schedule (the default): the next occurrence is the rule's next date after the previous one. completion: the rule restarts on the local day of completion." }),
  reminders: remindersSchema.optional().meta({ description: "On PATCH, the list replaces the task's reminders; a reminder sent back unchanged keeps its id and sent state." }),
  assigneeId: z.string().min(1).max(64).nullable().optional().meta({ description: "An active user of the hub. Only the owner assigns; an assignee may only set null (hand it back)." }),
  sortOrder: z.number().finite().optional().meta({ description: "The position in the manual sort." }),
  /**
   * Any id the client picks for this create (a UUID, say). Sending the create
   * again with the same clientId returns the task it made (200) instead of
   * making a second one: a client whose answer was lost can simply retry.
   */
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "is 1 to 100 letters, digits, '-' or '_'")
    .optional()
    .meta({ description: "Your id for this create; sent again, it returns the task it made (200) instead of creating another." }),
});
export type CreateTaskInput = z.infer<typeof createTaskSchema>;

export const updateTaskSchema = createTaskSchema.omit({ clientId: true }).partial().extend({
  version: z.number().int().min(1).meta({ description: "The version the client last saw; a stale one gets 409 with the current task." }),
  scope: z.enum(["this", "following"]).default("following").meta({
    description:
      "For an occurrence of a recurring task: following (the default) changes this and every later occurrence; this changes this occurrence only. A change to the schedule itself (rrule, recurFrom, timezone, allDay, or dueAt with following) is always for this and the following occurrences, and restarts the rule here.",
  }),
});
export type UpdateTaskInput = z.infer<typeof updateTaskSchema>;

export const skipOccurrenceSchema = z.object({
  occurrenceDate: instantSchema.optional().meta({ description: "A later date of the schedule to skip in advance; without it, the open occurrence itself is skipped." }),
});

/** A list parameter given once (`a,b`) or repeated (`status=a&status=b`). */
function listParam<T extends z.ZodType>(item: T) {
  const split = (value: unknown) =>
    typeof value === "string" || (Array.isArray(value) && value.every((part) => typeof part === "string"))
      ? (Array.isArray(value) ? value : [value]).flatMap((part: string) => part.split(",")).map((part) => part.trim()).filter(Boolean)
      : value;
  return z.preprocess(split, z.array(item).min(1).max(10));
}

const booleanParam = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]);
const dayOffset = z.coerce.number().int().min(-3650).max(3650);

export const TASK_SORTS = ["dueAt", "priority", "createdAt", "manual"] as const;

/** The filters a list takes, and a saved view stores. */
export const taskFilterSchema = z.object({
  status: listParam(taskStatusSchema).optional().meta({ description: "One status, a comma list, or the parameter repeated." }),
  priority: listParam(taskPrioritySchema).optional().meta({ description: "One priority, a comma list, or the parameter repeated." }),
  tag: tagNameSchema.optional().meta({ description: "A tag name, matched case-insensitively." }),
  assignee: z.string().min(1).max(64).optional().meta({ description: "A user id, me or none." }),
  dueBefore: instantSchema.optional().meta({ description: "Due before this instant (exclusive)." }),
  dueAfter: instantSchema.optional().meta({ description: "Due at or after this instant." }),
  dueFromDay: dayOffset.optional().meta({ description: "Due on or after the start of today + n days, in the caller's time zone." }),
  dueToDay: dayOffset.optional().meta({ description: "Due before the end of today + n days, in the caller's time zone." }),
  overdue: booleanParam.optional().meta({ description: "Open and past due; an all-day task once its local day is over." }),
  hasReminder: booleanParam.optional(),
  q: z.string().trim().min(1).max(200).optional().meta({ description: "Full-text search of the title and description; every word must match, the last as a prefix." }),
  sort: z.enum(TASK_SORTS).optional().meta({ description: "dueAt (the default; no due date last), priority (high first, then by due date), createdAt (newest first) or manual (sortOrder)." }),
});
export type TaskFilter = z.infer<typeof taskFilterSchema>;

export const listTasksQuerySchema = taskFilterSchema.extend({
  view: z.string().min(1).max(64).optional().meta({ description: "A built-in view (today, upcoming, overdue, assigned) or a saved view's id; explicit filters refine it." }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListTasksQuery = z.infer<typeof listTasksQuerySchema>;

export const previewQuerySchema = z.object({
  rrule: rruleSchema,
  dtstart: dueAtSchema.meta({ description: "The first occurrence: a timestamp with an offset, or a date for an all-day start." }),
  timezone: timezoneSchema,
  count: z.coerce.number().int().min(1).max(50).default(5).meta({ description: "How many dates to return." }),
  exdates: listParam(instantSchema).optional().meta({ description: "Dates to leave out: a comma list, or the parameter repeated." }),
});

const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a #rrggbb colour").transform((value) => value.toLowerCase());

export const createTagSchema = z.object({ name: tagNameSchema, color: colorSchema.optional() });
export const updateTagSchema = z.object({ name: tagNameSchema.optional(), color: colorSchema.optional() });

const viewNameSchema = z
  .string()
  .transform((value) => value.replace(CONTROL_AND_NEWLINES, " ").trim())
  .pipe(z.string().min(1, "is required").max(100));

export const createViewSchema = z.object({ name: viewNameSchema, filters: taskFilterSchema });
export const updateViewSchema = createViewSchema.partial();

export const syncTasksQuerySchema = z.object({
  since: sinceSchema.meta({ description: "The cursor of the previous page; leave out to start from the beginning." }),
  limit: syncLimitSchema,
});

/** A reminder as the API shows it. */
export type Reminder = ({ id: string; at: string } | { id: string; offsetMinutes: number; relativeTo: "due" }) & {
  fireAt: string | null;
  sentAt: string | null;
  late: boolean;
};

/** A task as the API shows it. */
export type Task = {
  id: string;
  ownerId: string;
  assigneeId: string | null;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  tags: string[];
  dueAt: string | null;
  allDay: boolean;
  timezone: string;
  rrule: string | null;
  exdates: string[];
  recurFrom: "schedule" | "completion";
  seriesId: string | null;
  occurrenceDate: string | null;
  occurrenceIndex: number;
  reminders: Reminder[];
  sortOrder: number;
  version: number;
  completedAt: string | null;
  skippedAt: string | null;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

/** One entry of the sync stream and of a `task:changed` event. */
export type TaskChange = (Task & { deleted: false }) | { id: string; deleted: true };
