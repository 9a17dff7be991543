"use client";

import { useEffect, useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { Button } from "@/components/ui/button";
import { Sheet } from "@/components/ui/dialog";
import { Badge } from "@/components/ui/display";
import { Checkbox, Input, Select, Textarea } from "@/components/ui/field";
import { TrashIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { previewRecurrence, taskHistory, type ReminderInput, type Task, type TaskPatch } from "@/components/tasks/api";
import { formatDue, instantToZoned, zonedToInstant } from "@/components/tasks/dates";
import { Markdown } from "@/components/tasks/markdown";
import { fromRule, nthWeekdayOf, ordinal, toRule, WEEKDAY_LABELS, WEEKDAYS, type RecurrencePreset, type Weekday } from "@/components/tasks/recurrence";

/** What the drawer edits: the task's fields as form values. */
type Draft = {
  title: string;
  description: string;
  status: Task["status"];
  priority: Task["priority"];
  tags: string;
  due: string; // "YYYY-MM-DD" when all-day, "YYYY-MM-DDTHH:mm" (task zone) otherwise, "" for none
  allDay: boolean;
  timezone: string;
  recurrence: RecurrencePreset;
  recurFrom: Task["recurFrom"];
  reminders: ReminderInput[];
  assignee: "keep" | "me" | "none";
};

function draftOf(task: Task): Draft {
  return {
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    tags: task.tags.join(", "),
    due: task.dueAt ? (task.allDay ? instantToZoned(task.dueAt, task.timezone).slice(0, 10) : instantToZoned(task.dueAt, task.timezone)) : "",
    allDay: task.allDay,
    timezone: task.timezone,
    recurrence: fromRule(task.rrule),
    recurFrom: task.recurFrom,
    reminders: task.reminders.map((reminder) => ("at" in reminder ? { at: reminder.at } : { offsetMinutes: reminder.offsetMinutes, relativeTo: "due" as const })),
    assignee: "keep",
  };
}

function dueOf(draft: Draft): string | null {
  if (!draft.due) return null;
  return draft.allDay ? draft.due.slice(0, 10) : zonedToInstant(draft.due, draft.timezone).toISOString();
}

/** Only the fields the user changed, so a save never overwrites what they did not touch. */
function patchOf(task: Task, draft: Draft, userId: string): TaskPatch {
  const base = draftOf(task);
  const patch: TaskPatch = {};
  if (draft.title !== base.title) patch.title = draft.title;
  if (draft.description !== base.description) patch.description = draft.description;
  if (draft.status !== base.status) patch.status = draft.status;
  if (draft.priority !== base.priority) patch.priority = draft.priority;
  const tags = draft.tags.split(",").map((tag) => tag.trim()).filter(Boolean);
  if (tags.join("\u0000") !== task.tags.join("\u0000")) patch.tags = tags;
  if (draft.due !== base.due || draft.allDay !== base.allDay) {
    patch.dueAt = dueOf(draft);
    patch.allDay = draft.allDay;
  }
  if (draft.timezone !== base.timezone) patch.timezone = draft.timezone;
  const rule = toRule(draft.recurrence);
  if (rule !== (task.rrule ?? null)) patch.rrule = rule;
  if (draft.recurFrom !== base.recurFrom) patch.recurFrom = draft.recurFrom;
  if (JSON.stringify(draft.reminders) !== JSON.stringify(base.reminders)) patch.reminders = draft.reminders;
  if (draft.assignee === "me") patch.assigneeId = userId;
  if (draft.assignee === "none") patch.assigneeId = null;
  return patch;
}

const OFFSETS = [
  { minutes: 15, label: "15 minutes before" },
  { minutes: 60, label: "1 hour before" },
  { minutes: 1440, label: "1 day before" },
];

function reminderLabel(reminder: ReminderInput, timeZone: string): string {
  if ("at" in reminder) return `At ${formatDue(reminder.at, timeZone, false)}`;
  const preset = OFFSETS.find((offset) => offset.minutes === reminder.offsetMinutes);
  if (preset) return preset.label;
  if (reminder.offsetMinutes === 0) return "At the due time";
  return reminder.offsetMinutes % 60 === 0 ? `${reminder.offsetMinutes / 60} h before` : `${reminder.offsetMinutes} min before`;
}

export type DrawerProps = {
  task: Task;
  /** The live copy from the cache: when it moves past the draft's version, the drawer says so. */
  live: Task | undefined;
  userId: string;
  saving: boolean;
  onClose: () => void;
  onSave: (base: Task, patch: TaskPatch, scope: "this" | "following") => void;
  onComplete: (task: Task) => void;
  onSkip: (task: Task) => void;
  onDelete: (task: Task) => void;
};

/**
 * The detail drawer: every field of one task, the reminder and recurrence
 * editors, and a series' history. It edits a draft made from the task as it
 * was when opened; Save sends only the changed fields with that version, so
 * an edit that crossed another device's change gets the merge choice.
 */
export function TaskDrawer({ task, live, userId, saving, onClose, onSave, onComplete, onSkip, onDelete }: DrawerProps) {
  const [draft, setDraft] = useState(() => draftOf(task));
  const [editingDescription, setEditingDescription] = useState(task.description === "");
  const [scope, setScope] = useState<"this" | "following">("following");
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const patch = patchOf(task, draft, userId);
  const dirty = Object.keys(patch).length > 0;
  const changedElsewhere = live && live.version > task.version;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.title.trim()) return;
    onSave(task, patch, scope);
  };

  return (
    <Sheet open side="right" onClose={onClose} title="Task details" description={task.rrule ? "A recurring task" : undefined} className="max-md:w-full">
      <form onSubmit={submit} className="space-y-5" aria-label="Edit task">
        {changedElsewhere ? (
          <p role="status" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
            This task was changed on another device. Saving will ask how to merge.
          </p>
        ) : null}
        <Input label="Title" value={draft.title} onChange={(event) => set("title", event.target.value)} required maxLength={500} />

        <div className="space-y-1.5">
          <div className="flex items-center justify-between">
            <span className="text-sm font-medium text-slate-800 dark:text-slate-200">Description</span>
            <Button variant="ghost" size="sm" onClick={() => setEditingDescription((value) => !value)}>
              {editingDescription ? "Preview" : "Edit description"}
            </Button>
          </div>
          {editingDescription ? (
            <Textarea label="Description" hideLabel hint="Markdown" rows={5} value={draft.description} onChange={(event) => set("description", event.target.value)} />
          ) : draft.description ? (
            <div data-testid="task-description" className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
              <Markdown source={draft.description} />
            </div>
          ) : (
            <p className="text-sm text-slate-500 dark:text-slate-400">No description.</p>
          )}
        </div>

        <div className="grid grid-cols-2 gap-3">
          <Select label="Status" value={draft.status} onChange={(event) => set("status", event.target.value as Task["status"])}>
            <option value="todo">To do</option>
            <option value="in_progress">In progress</option>
            <option value="done">Done</option>
          </Select>
          <Select label="Priority" value={draft.priority} onChange={(event) => set("priority", event.target.value as Task["priority"])}>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </Select>
        </div>

        <Input label="Tags" hint="Separated by commas; a new name creates a tag." value={draft.tags} onChange={(event) => set("tags", event.target.value)} />

        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Due</legend>
          <div className="grid gap-3 sm:grid-cols-2">
            <Input
              label={draft.allDay ? "Due date" : "Due date and time"}
              type={draft.allDay ? "date" : "datetime-local"}
              value={draft.allDay ? draft.due.slice(0, 10) : draft.due && draft.due.length === 10 ? `${draft.due}T09:00` : draft.due}
              onChange={(event) => set("due", event.target.value)}
            />
            <Input label="Time zone" value={draft.timezone} onChange={(event) => set("timezone", event.target.value)} hint="IANA, e.g. Europe/Paris" />
          </div>
          <Checkbox
            label="All day"
            checked={draft.allDay}
            onChange={(event) => {
              const allDay = event.target.checked;
              setDraft((current) => ({ ...current, allDay, due: current.due ? (allDay ? current.due.slice(0, 10) : `${current.due.slice(0, 10)}T09:00`) : "" }));
            }}
          />
        </fieldset>

        <Select label="Assignee" value={draft.assignee} onChange={(event) => set("assignee", event.target.value as Draft["assignee"])}>
          <option value="keep">{task.assigneeId === null ? "Nobody" : task.assigneeId === userId ? "Me" : `Someone else (${task.assigneeId})`}</option>
          {task.assigneeId !== userId ? <option value="me">Assign to me</option> : null}
          {task.assigneeId !== null ? <option value="none">Unassign</option> : null}
        </Select>

        <RemindersEditor reminders={draft.reminders} timeZone={draft.timezone} hasDue={!!draft.due} onChange={(reminders) => set("reminders", reminders)} />

        <RecurrenceEditor
          preset={draft.recurrence}
          recurFrom={draft.recurFrom}
          due={dueOf(draft)}
          localDue={draft.due}
          timeZone={draft.timezone}
          onChange={(recurrence) => set("recurrence", recurrence)}
          onRecurFrom={(value) => set("recurFrom", value)}
        />

        {task.seriesId ? (
          <Select label="Apply changes to" value={scope} onChange={(event) => setScope(event.target.value as "this" | "following")}>
            <option value="following">This and following occurrences</option>
            <option value="this">Only this occurrence</option>
          </Select>
        ) : null}

        <div className="flex flex-wrap gap-2 border-t border-slate-200 pt-4 dark:border-slate-800">
          <Button type="submit" loading={saving} disabled={!dirty || !draft.title.trim()}>
            Save
          </Button>
          {task.status !== "done" ? (
            <Button variant="secondary" onClick={() => onComplete(task)}>
              Complete
            </Button>
          ) : null}
          {task.rrule && task.status !== "done" ? (
            <Button variant="secondary" onClick={() => onSkip(task)}>
              Skip occurrence
            </Button>
          ) : null}
          <Button variant="ghost" icon={<TrashIcon className="size-4" />} onClick={() => onDelete(task)}>
            Delete
          </Button>
        </div>

        {task.seriesId ? <SeriesHistory task={task} /> : null}
      </form>
    </Sheet>
  );
}

function RemindersEditor({ reminders, timeZone, hasDue, onChange }: { reminders: ReminderInput[]; timeZone: string; hasDue: boolean; onChange: (reminders: ReminderInput[]) => void }) {
  const [choice, setChoice] = useState("15");
  const [custom, setCustom] = useState("30");
  const [at, setAt] = useState("");
  const add = () => {
    if (choice === "at") {
      if (at) onChange([...reminders, { at: zonedToInstant(at, timeZone).toISOString() }]);
      return;
    }
    const minutes = choice === "custom" ? Number(custom) : Number(choice);
    if (Number.isInteger(minutes) && minutes >= 0) onChange([...reminders, { offsetMinutes: minutes, relativeTo: "due" }]);
  };
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Reminders</legend>
      {reminders.length ? (
        <ul aria-label="Reminders" className="flex flex-wrap gap-2">
          {reminders.map((reminder, index) => (
            <li key={index} className="flex items-center gap-1 rounded-full bg-slate-100 py-1 pl-3 pr-1 text-sm dark:bg-slate-800">
              {reminderLabel(reminder, timeZone)}
              <button type="button" aria-label={`Remove reminder: ${reminderLabel(reminder, timeZone)}`} className="rounded-full px-1.5 text-slate-500 hover:bg-slate-200 dark:hover:bg-slate-700" onClick={() => onChange(reminders.filter((_, i) => i !== index))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">No reminders.</p>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <Select label="New reminder" value={choice} onChange={(event) => setChoice(event.target.value)} className="w-48">
          {OFFSETS.map((offset) => (
            <option key={offset.minutes} value={offset.minutes} disabled={!hasDue}>
              {offset.label}
            </option>
          ))}
          <option value="custom" disabled={!hasDue}>
            Custom minutes before
          </option>
          <option value="at">At a date and time</option>
        </Select>
        {choice === "custom" ? <Input label="Minutes before" type="number" min={0} value={custom} onChange={(event) => setCustom(event.target.value)} className="w-28" /> : null}
        {choice === "at" ? <Input label="Remind at" type="datetime-local" value={at} onChange={(event) => setAt(event.target.value)} /> : null}
        <Button variant="secondary" onClick={add} disabled={choice !== "at" && !hasDue}>
          Add reminder
        </Button>
      </div>
    </fieldset>
  );
}

function RecurrenceEditor({
  preset,
  recurFrom,
  due,
  localDue,
  timeZone,
  onChange,
  onRecurFrom,
}: {
  preset: RecurrencePreset;
  recurFrom: Task["recurFrom"];
  due: string | null;
  localDue: string;
  timeZone: string;
  onChange: (preset: RecurrencePreset) => void;
  onRecurFrom: (value: Task["recurFrom"]) => void;
}) {
  const rule = toRule(preset);
  const nth = localDue ? nthWeekdayOf(localDue) : { nth: 1, day: "MO" as Weekday };
  const [debounced, setDebounced] = useState(rule);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(rule), 300);
    return () => clearTimeout(timer);
  }, [rule]);
  const params = debounced && due ? { rrule: debounced, dtstart: due, timezone: timeZone } : null;
  const preview = useQuery({ queryKey: queryKeys.tasks.preview(params ?? { rrule: "", dtstart: "", timezone: "" }), queryFn: () => previewRecurrence(params!), enabled: !!params, retry: false, staleTime: 60_000 });

  const choose = (kind: RecurrencePreset["kind"]) => {
    if (kind === "none") onChange({ kind });
    else if (kind === "daily") onChange({ kind, interval: 1 });
    else if (kind === "weekdays") onChange({ kind });
    else if (kind === "weekly") onChange({ kind, interval: 1, days: [nth.day] });
    else if (kind === "monthly") onChange({ kind, nth: nth.nth, day: nth.day });
    else onChange({ kind, rule: rule ?? "FREQ=DAILY" });
  };

  return (
    <fieldset className="space-y-3" aria-label="Repeat">
      <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Repeat</legend>
      <Select label="Repeats" value={preset.kind} onChange={(event) => choose(event.target.value as RecurrencePreset["kind"])}>
        <option value="none">Does not repeat</option>
        <option value="daily">Daily</option>
        <option value="weekdays">Every weekday (Mon–Fri)</option>
        <option value="weekly">Weekly on…</option>
        <option value="monthly">Monthly on the {ordinal(nth.nth)} {WEEKDAY_LABELS[nth.day]}</option>
        <option value="custom">Custom rule</option>
      </Select>
      {preset.kind === "daily" ? <Input label="Every how many days" type="number" min={1} value={preset.interval} onChange={(event) => onChange({ ...preset, interval: Math.max(1, Number(event.target.value) || 1) })} /> : null}
      {preset.kind === "weekly" ? (
        <div className="space-y-2">
          <div role="group" aria-label="Days of the week" className="flex flex-wrap gap-1.5">
            {WEEKDAYS.map((day) => {
              const on = preset.days.includes(day);
              return (
                <button
                  key={day}
                  type="button"
                  aria-pressed={on}
                  onClick={() => onChange({ ...preset, days: on ? preset.days.filter((d) => d !== day) : [...preset.days, day] })}
                  className={on ? "rounded-full bg-brand-600 px-3 py-1 text-sm font-medium text-white dark:bg-brand-400 dark:text-slate-950" : "rounded-full border border-slate-300 px-3 py-1 text-sm text-slate-700 dark:border-slate-700 dark:text-slate-300"}
                >
                  {WEEKDAY_LABELS[day]}
                </button>
              );
            })}
          </div>
          <Input label="Every how many weeks" type="number" min={1} value={preset.interval} onChange={(event) => onChange({ ...preset, interval: Math.max(1, Number(event.target.value) || 1) })} />
        </div>
      ) : null}
      {preset.kind === "monthly" ? (
        <Select label="On the" value={`${preset.nth}${preset.day}`} onChange={(event) => { const m = /^(-?\d)(\w\w)$/.exec(event.target.value)!; onChange({ kind: "monthly", nth: Number(m[1]), day: m[2] as Weekday }); }}>
          {[1, 2, 3, 4, -1].flatMap((n) => WEEKDAYS.map((day) => <option key={`${n}${day}`} value={`${n}${day}`}>{`${ordinal(n)} ${WEEKDAY_LABELS[day]}`}</option>))}
        </Select>
      ) : null}
      {preset.kind === "custom" ? <Input label="RRULE" hint="RFC 5545, e.g. FREQ=MONTHLY;BYMONTHDAY=-1" value={preset.rule} onChange={(event) => onChange({ kind: "custom", rule: event.target.value })} /> : null}
      {preset.kind !== "none" ? (
        <>
          <Select label="Next occurrence counts from" value={recurFrom} onChange={(event) => onRecurFrom(event.target.value as Task["recurFrom"])}>
            <option value="schedule">The schedule</option>
            <option value="completion">When I complete it</option>
          </Select>
          <div className="rounded-lg bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
            <p className="font-mono text-xs text-slate-500 dark:text-slate-400">{rule}</p>
            {!due ? (
              <p className="mt-1 text-slate-600 dark:text-slate-400">Set a due date to see the next dates.</p>
            ) : preview.isError ? (
              <p role="alert" className="mt-1 text-red-600 dark:text-red-400">{preview.error.message}</p>
            ) : preview.data ? (
              <ol aria-label="Next 5 dates" className="mt-2 space-y-0.5 text-slate-700 dark:text-slate-300">
                {preview.data.map((date) => (
                  <li key={date}>{formatDue(date, timeZone, localDue.length === 10)}</li>
                ))}
              </ol>
            ) : (
              <Spinner className="mt-2 size-4" />
            )}
          </div>
        </>
      ) : null}
    </fieldset>
  );
}

const STATE_TONES = { open: "brand", done: "success", skipped: "warning", deleted: "neutral" } as const;

function SeriesHistory({ task }: { task: Task }) {
  const history = useQuery({ queryKey: queryKeys.tasks.history(task.id), queryFn: () => taskHistory(task.id) });
  return (
    <section aria-label="Series history" className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-800 dark:text-slate-200">Series history</h3>
      {history.isPending ? (
        <Spinner className="size-4" />
      ) : history.isError ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">{history.error.message}</p>
      ) : (
        <ol className="space-y-1 text-sm">
          {history.data.occurrences.map((occurrence) => (
            <li key={occurrence.id} className="flex items-center justify-between gap-2">
              <span className="text-slate-700 dark:text-slate-300">{occurrence.dueAt ? formatDue(occurrence.dueAt, occurrence.timezone, occurrence.allDay) : occurrence.title}</span>
              <Badge tone={STATE_TONES[occurrence.state]}>{occurrence.state}</Badge>
            </li>
          ))}
          {history.data.skippedDates
            .filter((date) => !history.data.occurrences.some((occurrence) => occurrence.occurrenceDate === date))
            .map((date) => (
              <li key={date} className="flex items-center justify-between gap-2">
                <span className="text-slate-700 dark:text-slate-300">{formatDue(date, task.timezone, task.allDay)}</span>
                <Badge tone="warning">skipped</Badge>
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
