"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { Task, TaskPatch } from "@/components/tasks/api";
import { formatDue } from "@/components/tasks/dates";

/** A save that lost the race: what this device sent, and the task as the server has it now (from the 409's body). */
export type Conflict = { mine: TaskPatch; theirs: Task; scope: "this" | "following" };

const LABELS: Record<string, string> = {
  title: "Title",
  description: "Description",
  status: "Status",
  priority: "Priority",
  tags: "Tags",
  dueAt: "Due",
  allDay: "All day",
  timezone: "Time zone",
  rrule: "Repeat",
  recurFrom: "Repeat from",
  reminders: "Reminders",
  assigneeId: "Assignee",
  sortOrder: "Position",
};

function show(field: string, value: unknown, task: Task): string {
  if (value === null || value === undefined || value === "") return "—";
  if (field === "dueAt" && typeof value === "string") return formatDue(value.length === 10 ? `${value}T12:00:00Z` : value, value.length === 10 ? "UTC" : task.timezone, value.length === 10);
  if (Array.isArray(value)) return value.length ? value.map((item) => (typeof item === "string" ? item : "at" in item ? `at ${item.at}` : `${item.offsetMinutes} min before`)).join(", ") : "—";
  return String(value);
}

/**
 * The merge choice for a 409: keep mine (re-send my fields on top of their
 * version), take theirs (drop my edit), or go through each field I changed
 * and pick a side. Whatever is chosen is sent with the current version.
 */
export function MergeDialog({ conflict, saving, onCancel, onResolve }: { conflict: Conflict; saving: boolean; onCancel: () => void; onResolve: (patch: TaskPatch) => void }) {
  const fields = Object.keys(conflict.mine) as (keyof TaskPatch)[];
  const [reviewing, setReviewing] = useState(false);
  const [choice, setChoice] = useState<Record<string, "mine" | "theirs">>(() => Object.fromEntries(fields.map((field) => [field, "mine"])));
  const theirs = conflict.theirs as unknown as Record<string, unknown>;
  const picked = (): TaskPatch => Object.fromEntries(fields.filter((field) => choice[field] === "mine").map((field) => [field, conflict.mine[field]])) as TaskPatch;

  return (
    <Dialog
      open
      onClose={onCancel}
      title="This task changed on another device"
      description="Your edit was made on an older version. Choose what to keep."
      size="lg"
      footer={
        reviewing ? (
          <>
            <Button variant="secondary" onClick={() => setReviewing(false)}>
              Back
            </Button>
            <Button loading={saving} onClick={() => onResolve(picked())}>
              Save merged
            </Button>
          </>
        ) : (
          <>
            <Button variant="secondary" onClick={() => setReviewing(true)}>
              Review field by field
            </Button>
            <Button variant="secondary" onClick={() => onResolve({})}>
              Take theirs
            </Button>
            <Button loading={saving} onClick={() => onResolve(conflict.mine)}>
              Keep mine
            </Button>
          </>
        )
      }
    >
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
          <tr>
            <th className="py-1 pr-2 font-medium">Field</th>
            <th className="py-1 pr-2 font-medium">Mine</th>
            <th className="py-1 font-medium">Theirs</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {fields.map((field) => (
            <tr key={field}>
              <th scope="row" className="py-2 pr-2 align-top font-medium text-slate-700 dark:text-slate-300">
                {LABELS[field] ?? field}
              </th>
              {(["mine", "theirs"] as const).map((side) => {
                const value = side === "mine" ? conflict.mine[field] : theirs[field];
                return (
                  <td key={side} className="break-words py-2 pr-2 align-top text-slate-900 dark:text-slate-100">
                    {reviewing ? (
                      <label className="flex items-start gap-2">
                        <input type="radio" name={`merge-${field}`} checked={choice[field] === side} onChange={() => setChoice((current) => ({ ...current, [field]: side }))} className="mt-1 accent-brand-600" aria-label={`${LABELS[field] ?? field}: keep ${side}`} />
                        <span>{show(field, value, conflict.theirs)}</span>
                      </label>
                    ) : (
                      show(field, value, conflict.theirs)
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
