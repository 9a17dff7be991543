import type { Reminder, Task, TaskChange } from "@/lib/tasks/schemas";
import type { SavedView } from "@/lib/tasks/views";
import type { Tag } from "@/lib/tasks/tags";
import type { SeriesHistory } from "@/lib/tasks/get";
import { apiFetch } from "@/lib/http/api-client";

/** The tasks API as the web app calls it (docs/tasks.md). Types come from the server's own schemas. */
export type { Reminder, SavedView, SeriesHistory, Tag, Task, TaskChange };
export type TaskPage = { data: Task[]; nextCursor: string | null; hasMore: boolean };
export type ReminderInput = { at: string } | { offsetMinutes: number; relativeTo: "due" };
export type TaskPatch = Partial<{
  title: string;
  description: string;
  status: Task["status"];
  priority: Task["priority"];
  tags: string[];
  dueAt: string | null;
  allDay: boolean;
  timezone: string;
  rrule: string | null;
  recurFrom: Task["recurFrom"];
  reminders: ReminderInput[];
  assigneeId: string | null;
  sortOrder: number;
}>;

const path = (id: string) => `/api/v1/tasks/${encodeURIComponent(id)}`;

export function listTasks(filters: Record<string, string>): Promise<TaskPage> {
  const params = new URLSearchParams({ limit: "200", ...filters });
  return apiFetch<TaskPage>(`/api/v1/tasks?${params}`);
}
export const getTask = (id: string) => apiFetch<Task>(path(id));
/** A task to create. `clientId` makes a repeated create (its answer was lost) return the first task. */
export type NewTask = TaskPatch & { title: string; clientId?: string };

export const createTask = (body: NewTask) => apiFetch<Task>("/api/v1/tasks", { body });
export const updateTask = (id: string, body: TaskPatch & { version: number; scope?: "this" | "following" }) => apiFetch<Task>(path(id), { method: "PATCH", body });
export const completeTask = (id: string) => apiFetch<{ task: Task; next?: Task | null }>(`${path(id)}/complete`, { method: "POST" });
export const skipTask = (id: string) => apiFetch<{ task: Task; next?: Task | null }>(`${path(id)}/skip`, { method: "POST", body: {} });
export const deleteTask = (id: string) => apiFetch<void>(path(id), { method: "DELETE" });
export const taskHistory = (id: string) => apiFetch<SeriesHistory>(`${path(id)}/history`);
export const listTags = async () => (await apiFetch<{ data: Tag[] }>("/api/v1/tasks/tags")).data;
export const createTag = (body: { name: string; color?: string }) => apiFetch<Tag>("/api/v1/tasks/tags", { body });
export const updateTag = (id: string, body: { name?: string; color?: string }) => apiFetch<Tag>(`/api/v1/tasks/tags/${encodeURIComponent(id)}`, { method: "PATCH", body });
export const deleteTag = (id: string) => apiFetch<void>(`/api/v1/tasks/tags/${encodeURIComponent(id)}`, { method: "DELETE" });
export const listViews = async () => (await apiFetch<{ data: SavedView[] }>("/api/v1/tasks/views")).data;
export const createView = (body: { name: string; filters: Record<string, unknown> }) => apiFetch<SavedView>("/api/v1/tasks/views", { body });
export const deleteView = (id: string) => apiFetch<void>(`/api/v1/tasks/views/${encodeURIComponent(id)}`, { method: "DELETE" });
export async function previewRecurrence(params: { rrule: string; dtstart: string; timezone: string }): Promise<string[]> {
  const query = new URLSearchParams({ ...params, count: "5" });
  return (await apiFetch<{ dates: string[] }>(`/api/v1/tasks/recurrence/preview?${query}`)).dates;
}
