import type { Metadata } from "next";
import { Page } from "@/components/shell/page";
import { TasksView } from "@/components/tasks/tasks-view";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listTags } from "@/lib/tasks/tags";
import { listViews } from "@/lib/tasks/views";

export const metadata: Metadata = { title: "Tasks" };

export default async function TasksPage() {
  const user = await requireUser();
  const db = getDb();
  const [views, tags] = await Promise.all([listViews(db, user.id), listTags(db, user.id)]);
  return (
    <Page title="Tasks" description="To-dos with due dates, reminders and recurrence, kept in sync across your devices.">
      <TasksView userId={user.id} timezone={user.timezone} initialViews={views} initialTags={tags} />
    </Page>
  );
}
