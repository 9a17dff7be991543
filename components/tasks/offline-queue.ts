import type { TaskPatch } from "@/components/tasks/api";

/**
 * Task edits made while the hub cannot be reached. They are kept in
 * localStorage (so a reload keeps them) and replayed in order on reconnect;
 * a replayed PATCH still carries the version it was made against, so an edit
 * that crossed another device's change comes back as a 409 and gets the
 * merge choice like any other conflict.
 */
export type QueuedEdit =
  | { key: string; kind: "create"; body: TaskPatch & { title: string } }
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
  write([...readQueue(), { ...edit, key: crypto.randomUUID() } as QueuedEdit]);
}

export function dequeue(key: string): void {
  write(readQueue().filter((edit) => edit.key !== key));
}
