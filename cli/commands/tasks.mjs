import { Option } from "commander";
import { segment } from "../api.mjs";
import { localTimeZone, parseDue, parseInstant, untilDate } from "../dates.mjs";
import { ApiError, CliError, UsageError } from "../errors.mjs";
import { action, examples, integer, list } from "../options.mjs";
import { longTime, oneLine, shortTime } from "../output.mjs";
import { withSpinner } from "../progress.mjs";
import { describeRrule, everyToRrule } from "../recurrence.mjs";

/**
 * Tasks: list with filters, add (due dates in words, repeats in words),
 * complete, show and edit with optimistic concurrency (/api/v1/tasks…).
 */

export const TASK_STATUSES = ["todo", "in_progress", "done"];
export const TASK_PRIORITIES = ["low", "medium", "high"];
const VIEWS = ["today", "upcoming", "overdue", "assigned"];
export const TASK_SORTS = ["dueAt", "priority", "createdAt", "manual"];

/**
 * @typedef {object} Task
 * @property {string} id
 * @property {string} title
 * @property {string} description
 * @property {string} status
 * @property {string} priority
 * @property {string[]} tags
 * @property {string | null} dueAt
 * @property {boolean} allDay
 * @property {string} timezone
 * @property {string | null} rrule
 * @property {string | null} assigneeId
 * @property {number} version
 * @property {string | null} completedAt
 * @property {string} [updatedAt]
 * @property {Array<{ offsetMinutes?: number, at?: string, fireAt: string | null }>} [reminders]
 */

/** @param {string | undefined} text */
function rruleOf(text) {
  return text === undefined ? undefined : everyToRrule(text, { parseUntil: untilDate });
}

/**
 * An all-day task is due at local midnight of its day in its own zone; its
 * date is read in that zone, not in UTC or this machine's.
 * @param {Task} task
 */
function dayOf(task) {
  if (!task.dueAt) return "";
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: task.timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(task.dueAt));
  } catch {
    return task.dueAt.slice(0, 10);
  }
}

/** For tables: "2025-07-01" all day, else a short local time. @param {Task} task */
function dueText(task) {
  if (!task.dueAt) return "";
  return task.allDay ? dayOf(task) : shortTime(task.dueAt);
}

/** In sentences: "2025-07-01 (all day)" or a full local time. @param {Task} task */
function dueLong(task) {
  if (!task.dueAt) return "no due date";
  return task.allDay ? `${dayOf(task)} (all day)` : longTime(task.dueAt);
}

/** @param {Task} task */
function isOverdue(task) {
  if (!task.dueAt || task.status === "done") return false;
  // An all-day task is overdue once its whole day has passed.
  const end = new Date(task.dueAt).getTime() + (task.allDay ? 86_400_000 : 0);
  return end < Date.now();
}

const EXAMPLES = examples(
  "message-hub tasks",
  "message-hub tasks --view today",
  "message-hub tasks --priority high --due-before friday",
  'message-hub tasks add "Water the plants" --due "tomorrow 9am" --every "weekly on mon,thu"',
  "message-hub tasks done task_01j9…",
  'message-hub tasks edit task_01j9… --due "next monday 10am" --priority high',
);

/** @param {import("commander").Command} program */
export function registerTasks(program) {
  const tasks = program
    .command("tasks")
    .description("tasks: list them (the default), add, show, complete, edit")
    .addHelpText("after", `${EXAMPLES}\nThe list filters are on \`message-hub tasks list --help\`.\n`);

  tasks
    .command("list", { isDefault: true })
    .description("list tasks you own or are assigned (open ones unless --all or --status)")
    .addOption(new Option("--status <status>", `only these (repeat or comma-separate): ${TASK_STATUSES.join(", ")}`).argParser(list(TASK_STATUSES)))
    .option("-a, --all", "done tasks too")
    .addOption(new Option("--priority <priority>", `only these: ${TASK_PRIORITIES.join(", ")}`).argParser(list(TASK_PRIORITIES)))
    .option("--tag <tag>", "only tasks with this tag")
    .option("--assignee <who>", "a user id, me or none")
    .option("--due-before <when>", 'due before: ISO 8601, a date or words ("friday")')
    .option("--due-after <when>", "due at or after (same forms)")
    .option("--overdue", "only overdue tasks")
    .option("-s, --search <words>", "search titles and descriptions")
    .option("--view <view>", `a built-in view (${VIEWS.join(", ")}) or a saved view's id`)
    .addOption(new Option("--sort <field>", "order").choices(TASK_SORTS))
    .option("-n, --limit <n>", "how many (1-500)", integer(1, 500), 50)
    .option("--cursor <cursor>", "the next page (printed after a full page)")
    .addHelpText("after", EXAMPLES)
    .action(
      action(async (ctx, opts) => {
        const status = opts.status ?? (opts.all || opts.view ? undefined : ["todo", "in_progress"]);
        const query = {
          status: status?.join(","),
          priority: opts.priority?.join(","),
          tag: opts.tag,
          assignee: opts.assignee,
          dueBefore: opts.dueBefore ? parseInstant(opts.dueBefore, "--due-before", { future: true }).toISOString() : undefined,
          dueAfter: opts.dueAfter ? parseInstant(opts.dueAfter, "--due-after", { future: true }).toISOString() : undefined,
          overdue: opts.overdue ? "true" : undefined,
          q: opts.search,
          view: opts.view,
          sort: opts.sort,
          limit: opts.limit,
          cursor: opts.cursor,
        };
        /** @type {{ data: Task[], nextCursor: string | null, hasMore: boolean }} */
        const page = await withSpinner("Loading tasks", () => ctx.api().get("/api/v1/tasks", query));
        if (ctx.json) return ctx.printJson(page);
        const { colors } = ctx;
        const pri = /** @type {Record<string, (text: string) => string>} */ ({ high: colors.red, medium: String, low: colors.dim });
        ctx.table(
          [
            { header: "ID", keep: true, value: (t) => t.id, style: (cell) => colors.dim(cell) },
            { header: "DUE", value: dueText, style: (cell, t) => (isOverdue(t) ? colors.red(cell) : cell) },
            { header: "PRI", value: (t) => t.priority, style: (cell, t) => (pri[t.priority] ?? String)(cell) },
            { header: "STATUS", value: (t) => t.status.replace("_", " "), drop: 3, style: (cell, t) => (t.status === "done" ? colors.green(cell) : cell) },
            { header: "REPEATS", value: (t) => describeRrule(t.rrule), max: 20, drop: 2 },
            { header: "TAGS", value: (t) => t.tags.join(","), max: 16, drop: 4 },
            { header: "TITLE", value: (t) => t.title, flex: true, min: 12, style: (cell, t) => (t.status === "done" ? colors.dim(cell) : cell) },
          ],
          page.data,
          "No tasks match.",
        );
        if (page.hasMore && page.nextCursor) ctx.note(colors.dim(`More: message-hub tasks --cursor ${page.nextCursor} (with the same filters)`));
      }),
    );

  tasks
    .command("add")
    .description("add a task; --due and --every take plain English")
    .argument("<title>", "what to do")
    .option("--due <when>", 'when: "tomorrow 9am", "friday" (all day), "in 2 hours", ISO 8601')
    .option("--every <rule>", 'repeat: "daily", "weekdays", "weekly on mon,wed", "every 2 weeks", "monthly on the 2nd tuesday", or an RRULE')
    .addOption(new Option("--priority <priority>", "importance").choices(TASK_PRIORITIES))
    .option("--tag <tags>", "tags (repeat or comma-separate)", list())
    .option("--description <text>", "details")
    .option("--remind <minutes>", "a reminder this many minutes before it is due (repeatable)", (value, /** @type {number[] | undefined} */ previous) => [...(previous ?? []), integer(0, 525_600)(value)])
    .option("--from-completion", "repeat counting from when it is done, not from the schedule")
    .option("--timezone <zone>", "the IANA time zone the task repeats in (default: this machine's)")
    .addHelpText(
      "after",
      `${examples(
        'message-hub tasks add "Call the bank" --due "tomorrow 9am" --priority high',
        'message-hub tasks add "Standup notes" --due "monday 9:30am" --every weekdays',
        'message-hub tasks add "Team retro" --due "friday 4pm" --every "every 2 weeks" --remind 15',
        'message-hub tasks add "Pay rent" --due 2025-07-01 --every "monthly on the 1st"',
      )}
--due is read in this machine's time zone; a day without a time makes an
all-day task. --every needs --due, which is the first occurrence and the time
of day every occurrence keeps.
`,
    )
    .action(
      action(async (ctx, opts, title) => {
        const rrule = rruleOf(opts.every);
        if (rrule && !opts.due) throw new UsageError("--every needs --due: the first occurrence, and the time of day each one keeps.");
        if (opts.remind && !opts.due) throw new UsageError("--remind needs --due: reminders are minutes before the due time.");
        const due = opts.due ? parseDue(opts.due) : undefined;
        /** @type {{ [key: string]: unknown }} */
        const body = {
          title,
          description: opts.description,
          priority: opts.priority,
          tags: opts.tag,
          dueAt: due?.dueAt,
          allDay: due?.allDay,
          timezone: due ? (opts.timezone ?? localTimeZone()) : opts.timezone,
          rrule,
          recurFrom: opts.fromCompletion ? "completion" : undefined,
          reminders: opts.remind?.map((/** @type {number} */ offsetMinutes) => ({ offsetMinutes, relativeTo: "due" })),
        };
        /** @type {Task} */
        const task = await ctx.api().post("/api/v1/tasks", body);
        if (ctx.json) return ctx.printJson(task);
        ctx.print(`Added ${task.id} "${oneLine(task.title)}"${task.dueAt ? `, due ${dueLong(task)}` : ""}${task.rrule ? `, repeating ${describeRrule(task.rrule)} (${task.rrule})` : ""}.`);
      }),
    );

  tasks
    .command("show")
    .description("show one task in full")
    .argument("<id>", "the task id (task_…)")
    .addHelpText("after", examples("message-hub tasks show task_01j9…", "message-hub --json tasks show task_01j9… | jq .version"))
    .action(
      action(async (ctx, _opts, id) => {
        /** @type {Task} */
        const task = await ctx.api().get(`/api/v1/tasks/${segment(id)}`);
        if (ctx.json) return ctx.printJson(task);
        ctx.pairs([
          ["Id", task.id],
          ["Title", task.title],
          ["Status", task.status.replace("_", " ")],
          ["Priority", task.priority],
          ["Due", dueLong(task)],
          ["Repeats", task.rrule ? `${describeRrule(task.rrule)} (${task.rrule}, ${task.timezone})` : null],
          ["Tags", task.tags.join(", ")],
          ["Reminders", (task.reminders ?? []).map((r) => (r.offsetMinutes !== undefined ? `${r.offsetMinutes} min before` : longTime(r.at))).join(", ")],
          ["Assignee", task.assigneeId],
          ["Completed", task.completedAt ? longTime(task.completedAt) : null],
          ["Version", task.version],
          ["Description", task.description],
        ]);
      }),
    );

  tasks
    .command("done")
    .description("complete a task (a recurring one gets its next occurrence)")
    .argument("<id>", "the task id (task_…)")
    .addHelpText("after", examples("message-hub tasks done task_01j9…"))
    .action(
      action(async (ctx, _opts, id) => {
        /** @type {{ task: Task, next?: Task }} */
        const result = await ctx.api().post(`/api/v1/tasks/${segment(id)}/complete`);
        if (ctx.json) return ctx.printJson(result);
        ctx.print(`Done: ${result.task.id} "${oneLine(result.task.title)}".`);
        if (result.next) ctx.print(`Next: ${result.next.id}, due ${dueLong(result.next)}.`);
      }),
    );

  tasks
    .command("edit")
    .description("change a task; refused with an explanation if someone changed it meanwhile")
    .argument("<id>", "the task id (task_…)")
    .option("--title <title>", "a new title")
    .option("--due <when>", 'a new due date (words or ISO 8601), or "none"')
    .option("--every <rule>", 'a new repeat rule (as for add), or "none"')
    .addOption(new Option("--priority <priority>", "importance").choices(TASK_PRIORITIES))
    .addOption(new Option("--status <status>", "todo, in_progress or done").choices(TASK_STATUSES))
    .option("--description <text>", "new details")
    .option("--tag <tags>", "replace the tags (repeat or comma-separate; '' for none)", list())
    // Not --version: that is the program's own flag.
    .option("--if-version <n>", "change it only if it is still at this version (from `tasks show` or --json); default: the current one", integer(1, Number.MAX_SAFE_INTEGER))
    .addOption(new Option("--scope <scope>", "for a recurring task: this occurrence only, or this and the following").choices(["this", "following"]))
    .addHelpText(
      "after",
      `${examples(
        'message-hub tasks edit task_01j9… --title "Call the bank about the card"',
        'message-hub tasks edit task_01j9… --due "next monday 10am" --priority high',
        "message-hub tasks edit task_01j9… --every none",
        "message-hub tasks edit task_01j9… --status in_progress --if-version 3",
      )}
Every change carries the task's version. If someone changed the task since
that version the server refuses (409) and nothing is changed; the CLI shows
what the task looks like now, so you can run the command again.
`,
    )
    .action(
      action(async (ctx, opts, id) => {
        /** @type {{ [key: string]: unknown }} */
        const patch = {};
        if (opts.title !== undefined) patch.title = opts.title;
        if (opts.description !== undefined) patch.description = opts.description;
        if (opts.priority !== undefined) patch.priority = opts.priority;
        if (opts.status !== undefined) patch.status = opts.status;
        if (opts.tag !== undefined) patch.tags = opts.tag;
        if (opts.due !== undefined) {
          if (opts.due.trim().toLowerCase() === "none") patch.dueAt = null;
          else {
            const due = parseDue(opts.due);
            patch.dueAt = due.dueAt;
            patch.allDay = due.allDay;
          }
        }
        if (opts.every !== undefined) patch.rrule = opts.every.trim().toLowerCase() === "none" ? null : rruleOf(opts.every);
        if (Object.keys(patch).length === 0) throw new UsageError("Nothing to change: give --title, --due, --every, --priority, --status, --description or --tag.");
        if (opts.scope) patch.scope = opts.scope;
        const api = ctx.api();
        /** @type {number} */
        const version = opts.ifVersion ?? (/** @type {Task} */ (await api.get(`/api/v1/tasks/${segment(id)}`))).version;
        /** @type {Task} */
        let task;
        try {
          task = await api.patch(`/api/v1/tasks/${segment(id)}`, { ...patch, version });
        } catch (error) {
          if (error instanceof ApiError && error.status === 409 && error.problem.task) throw conflict(version, /** @type {Task} */ (error.problem.task), error.problem.detail);
          throw error;
        }
        if (ctx.json) return ctx.printJson(task);
        ctx.print(`Updated ${task.id} "${oneLine(task.title)}" (now version ${task.version}).`);
      }),
    );
}

/**
 * A 409 in words: what the task is now, and how to apply the change anyway.
 * @param {number} version
 * @param {Task} current
 * @param {string | undefined} detail
 */
function conflict(version, current, detail) {
  const state = [`"${oneLine(current.title)}"`, current.status.replace("_", " "), current.priority, current.dueAt ? `due ${dueLong(current)}` : "no due date"];
  return new CliError(`Not changed: the task was changed by someone else since version ${version}; it is now version ${current.version}: ${state.join(", ")}.`, {
    hint: `Check it with \`message-hub tasks show ${current.id}\`, then run the edit again (with --if-version ${current.version} to apply it on top). ${detail ? `Server: ${detail}` : ""}`.trim(),
  });
}
