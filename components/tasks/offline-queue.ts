import { newClientId } from "@/components/client-id";
import type { NewTask, Task, TaskPatch } from "@/components/tasks/api";

/**
 * Task edits made while the hub cannot be reached. They are kept in
 * localStorage (so a reload keeps them) and replayed in order on reconnect;
 * a replayed PATCH still carries the version it was made against, so an edit
 * that crossed another device's change comes back as a 409 and gets the
 * merge choice like any other conflict, unless the hub's copy already holds
 * the edit (alreadySaved). A queued create carries the clientId of its first
 * attempt, so if that attempt did reach the hub, the replay returns the task
 * it made instead of adding it twice.
 */
export type QueuedEdit =
  | { key: string; kind: "create"; body: NewTask }
  | { key: string; kind: "update"; id: string; body: TaskPatch & { version: number } }
  | { key: string; kind: "complete"; id: string };

const STORAGE_KEY = "tasks:offline-queue";

export function readQueue(): QueuedEdit[] {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as QueuedEdit[]) : [];
  } catch {
    return [];
  }
}

function write(queue: QueuedEdit[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(queue));
  window.dispatchEvent(new Event("tasks:offline-queue"));
}

type NewEdit = QueuedEdit extends infer E ? (E extends QueuedEdit ? Omit<E, "key"> : never) : never;

export function enqueue(edit: NewEdit): void {
  write([...readQueue(), { ...edit, key: newClientId() } as QueuedEdit]);
}

export function dequeue(key: string): void {
  write(readQueue().filter((edit) => edit.key !== key));
}

/** Due dates compare as instants when both are timestamps: the hub may write one another way. */
function sameValue(key: string, mine: unknown, theirs: unknown): boolean {
  if (key === "dueAt" && typeof mine === "string" && typeof theirs === "string" && mine.includes("T") && theirs.includes("T")) return Date.parse(mine) === Date.parse(theirs);
  return JSON.stringify(mine) === JSON.stringify(theirs);
}

/**
 * Whether the hub's copy of a task already holds every field of an edit. An
 * edit whose request reached the hub but whose answer was lost (the page
 * reloaded while it was in flight, the connection dropped) is queued as if
 * offline; replayed, it meets its own change as a newer version. That is not
 * a conflict, and asking the user to merge their change with itself would be
 * wrong. A field written differently from the hub's form counts as changed,
 * so any doubt still ends in the merge choice.
 */
export function alreadySaved(patch: TaskPatch, task: Task): boolean {
  return Object.entries(patch).every(([key, value]) => key === "version" || key === "scope" || sameValue(key, value, (task as Record<string, unknown>)[key]));
}
