"use client";

import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type PointerEvent } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";
import { useOnReconnect, useRealtimeEvent } from "@/components/realtime/realtime-provider";
import { refetchAfterChange } from "@/components/realtime/refetch";
import { useHotkeys } from "@/components/hotkeys/use-hotkeys";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, FormDialog } from "@/components/ui/dialog";
import { Badge, Card } from "@/components/ui/display";
import { Input, Select } from "@/components/ui/field";
import { BellIcon, PlusIcon, SearchIcon, TasksIcon, RotateIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { useToast } from "@/components/ui/toast";
import { cx } from "@/components/ui/cx";
import { newClientId } from "@/components/client-id";
import * as api from "@/components/tasks/api";
import type { NewTask, SavedView, Tag, Task, TaskChange, TaskPage, TaskPatch } from "@/components/tasks/api";
import { formatDue, isOverdue, parseQuickAdd } from "@/components/tasks/dates";
import { alreadySaved, dequeue, enqueue, readQueue } from "@/components/tasks/offline-queue";
import { TaskDrawer } from "@/components/tasks/task-drawer";
import { MergeDialog, type Conflict } from "@/components/tasks/merge-dialog";
import { TagManager } from "@/components/tasks/tag-manager";

type Props = { userId: string; timezone: string; initialViews: SavedView[]; initialTags: Tag[] };

const PRIORITY_TONE = { high: "danger", medium: "warning", low: "neutral" } as const;

function isNetworkError(error: unknown): boolean {
  return error instanceof ApiError && error.status === 0;
}

/**
 * The tasks page: saved views, search and filters, quick add, the list with
 * inline complete and drag-to-reorder, and the detail drawer. The cache
 * follows `task:changed` from every device; edits made offline are queued
 * and replayed on reconnect; a stale save gets the merge choice.
 */
export function TasksView({ userId, timezone, initialViews, initialTags }: Props) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const view = params.get("view") ?? "";
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("open");
  const [priority, setPriority] = useState("");
  const [tag, setTag] = useState("");
  const [sort, setSort] = useState("manual");
  const [openId, setOpenId] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [deleting, setDeleting] = useState<Task | null>(null);
  const [managingTags, setManagingTags] = useState(false);
  const [savingView, setSavingView] = useState(false);
  const [queued, setQueued] = useState(0);
  const quickAddRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);

  // The palette's "New task" lands here with ?new=1.
  useEffect(() => {
    if (params.get("new") === "1") {
      quickAddRef.current?.focus();
      const next = new URLSearchParams(params);
      next.delete("new");
      router.replace(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
    }
  }, [params, pathname, router]);

  const filters = useMemo(() => {
    const out: Record<string, string> = {};
    if (view) out.view = view;
    if (q) out.q = q;
    if (status === "open") out.status = "todo,in_progress";
    else if (status) out.status = status;
    if (priority) out.priority = priority;
    if (tag) out.tag = tag;
    // A view keeps its own order unless the user picks one.
    if (!view || sort !== "manual") out.sort = sort;
    return out;
  }, [view, q, status, priority, tag, sort]);

  const list = useQuery({ queryKey: queryKeys.tasks.list(filters), queryFn: () => api.listTasks(filters), placeholderData: (previous) => previous });
  const views = useQuery({ queryKey: queryKeys.tasks.views(), queryFn: api.listViews, initialData: initialViews });
  const tags = useQuery({ queryKey: queryKeys.tasks.tags(), queryFn: api.listTags, initialData: initialTags });
  const tagColor = useMemo(() => new Map(tags.data.map((t) => [t.name.toLowerCase(), t.color])), [tags.data]);

  const invalidateLists = useCallback(() => refetchAfterChange(queryClient, { queryKey: queryKeys.tasks.lists() }), [queryClient]);

  /** Puts a task the server returned into every cache that shows it, then refreshes the lists' membership. */
  const applyTask = useCallback(
    (task: Task) => {
      queryClient.setQueryData(queryKeys.tasks.detail(task.id), task);
      queryClient.setQueriesData<TaskPage>({ queryKey: queryKeys.tasks.lists() }, (page) =>
        page ? { ...page, data: page.data.map((item) => (item.id === task.id && item.version <= task.version ? task : item)) } : page,
      );
      void invalidateLists();
      if (task.seriesId) void queryClient.invalidateQueries({ queryKey: queryKeys.tasks.history(task.id) });
    },
    [invalidateLists, queryClient],
  );

  /** Shows a change at once, before the server answers (the checkbox); the answer or a refetch replaces it. */
  const patchLocally = useCallback(
    (id: string, fields: Partial<Task>) => {
      queryClient.setQueryData<Task>(queryKeys.tasks.detail(id), (task) => (task ? { ...task, ...fields } : task));
      queryClient.setQueriesData<TaskPage>({ queryKey: queryKeys.tasks.lists() }, (page) => (page ? { ...page, data: page.data.map((item) => (item.id === id ? { ...item, ...fields } : item)) } : page));
    },
    [queryClient],
  );

  useRealtimeEvent("task:changed", (payload) => {
    const change = (payload as { change?: TaskChange } | null)?.change;
    if (!change) return void invalidateLists();
    if (change.deleted) {
      queryClient.removeQueries({ queryKey: queryKeys.tasks.detail(change.id) });
      queryClient.setQueriesData<TaskPage>({ queryKey: queryKeys.tasks.lists() }, (page) => (page ? { ...page, data: page.data.filter((item) => item.id !== change.id) } : page));
      void invalidateLists();
    } else {
      const { deleted: _deleted, ...task } = change;
      applyTask(task);
    }
    if (change.deleted || change.seriesId) void queryClient.invalidateQueries({ queryKey: ["tasks", "history"] });
  });

  // Replays edits queued while offline, oldest first; stops at the first that still cannot reach the hub.
  const replaying = useRef(false);
  const replay = useCallback(async () => {
    if (replaying.current) return;
    replaying.current = true;
    try {
      for (const edit of readQueue()) {
        try {
          if (edit.kind === "create") applyTask(await api.createTask(edit.body));
          else if (edit.kind === "complete") applyTask((await api.completeTask(edit.id)).task);
          else applyTask(await api.updateTask(edit.id, edit.body));
          dequeue(edit.key);
        } catch (error) {
          if (isNetworkError(error)) break;
          dequeue(edit.key);
          if (edit.kind === "update" && error instanceof ApiError && error.status === 409 && error.problem.task) {
            const { version: _version, ...mine } = edit.body;
            const theirs = error.problem.task as Task;
            // The edit had reached the hub before its answer was lost: nothing to merge.
            if (alreadySaved(mine, theirs)) applyTask(theirs);
            else setConflict({ mine, theirs, scope: "following" });
          } else toast({ title: "An offline edit could not be saved", description: (error as Error).message, tone: "error" });
        }
      }
    } finally {
      replaying.current = false;
      void invalidateLists();
    }
  }, [applyTask, invalidateLists, toast]);

  useOnReconnect(() => void replay());
  useEffect(() => {
    const count = () => setQueued(readQueue().length);
    count();
    const online = () => void replay();
    window.addEventListener("tasks:offline-queue", count);
    window.addEventListener("online", online);
    if (navigator.onLine && readQueue().length) void replay();
    return () => {
      window.removeEventListener("tasks:offline-queue", count);
      window.removeEventListener("online", online);
    };
  }, [replay]);

  const save = useMutation({
    mutationFn: ({ base, patch, scope }: { base: Task; patch: TaskPatch; scope: "this" | "following"; quiet?: boolean }) => api.updateTask(base.id, { ...patch, version: base.version, ...(base.seriesId ? { scope } : {}) }),
    onSuccess: (task, { quiet }) => {
      applyTask(task);
      if (quiet) return;
      setOpenId(null);
      setConflict(null);
      toast({ title: "Task saved", tone: "success" });
    },
    onError: (error, { base, patch, scope, quiet }) => {
      if (error instanceof ApiError && error.status === 409 && error.problem.task) {
        const theirs = error.problem.task as Task;
        applyTask(theirs);
        setOpenId(null);
        // A newer version that already says what this edit says (the same change saved twice) is not a conflict.
        if (alreadySaved(patch, theirs)) {
          if (!quiet) {
            setConflict(null);
            toast({ title: "Task saved", tone: "success" });
          }
          return;
        }
        setConflict({ mine: patch, theirs, scope });
      } else if (isNetworkError(error)) {
        enqueue({ kind: "update", id: base.id, body: { ...patch, version: base.version } });
        applyTask({ ...base, ...(patch as Partial<Task>) });
        setOpenId(null);
        toast({ title: "Saved on this device", description: "It will be sent when the hub is reachable again." });
      } else {
        void invalidateLists();
        toast({ title: "Could not save the task", description: error.message, tone: "error" });
      }
    },
  });

  const complete = useMutation({
    mutationFn: (task: Task) => api.completeTask(task.id),
    onMutate: (task) => patchLocally(task.id, { status: "done" }),
    onSuccess: ({ task, next }) => {
      applyTask(task);
      if (next) {
        applyTask(next);
        toast({ title: "Done", description: next.dueAt ? `Next: ${formatDue(next.dueAt, next.timezone, next.allDay)}` : undefined, tone: "success" });
      }
    },
    onError: (error, task) => {
      if (isNetworkError(error)) {
        enqueue({ kind: "complete", id: task.id });
        applyTask({ ...task, status: "done" });
      } else {
        patchLocally(task.id, { status: task.status });
        toast({ title: "Could not complete the task", description: error.message, tone: "error" });
      }
    },
  });

  const reopen = (task: Task) => {
    patchLocally(task.id, { status: "todo" });
    save.mutate({ base: task, patch: { status: "todo" }, scope: "this", quiet: true });
  };

  const skip = useMutation({
    mutationFn: (task: Task) => api.skipTask(task.id),
    onSuccess: ({ task, next }) => {
      applyTask(task);
      if (next) applyTask(next);
      setOpenId(null);
      toast({ title: "Occurrence skipped", description: next?.dueAt ? `Next: ${formatDue(next.dueAt, next.timezone, next.allDay)}` : undefined });
    },
    onError: (error) => toast({ title: "Could not skip", description: error.message, tone: "error" }),
  });

  const remove = useMutation({
    mutationFn: (task: Task) => api.deleteTask(task.id),
    onSuccess: () => {
      setDeleting(null);
      setOpenId(null);
      void invalidateLists();
      toast({ title: "Task deleted" });
    },
    onError: (error) => toast({ title: "Could not delete the task", description: error.message, tone: "error" }),
  });

  const tasks = list.data?.data ?? [];
  const openTask = openId ? (queryClient.getQueryData<Task>(queryKeys.tasks.detail(openId)) ?? tasks.find((task) => task.id === openId)) : undefined;
  // The drawer keeps the snapshot it opened with; the live copy only tells it that the task moved on.
  const [drawerTask, setDrawerTask] = useState<Task | null>(null);
  const openDrawer = (task: Task) => {
    setDrawerTask(task);
    setOpenId(task.id);
  };
  const liveOpen = useQuery({ queryKey: queryKeys.tasks.detail(openId ?? ""), queryFn: () => api.getTask(openId!), enabled: !!openId, initialData: openTask });

  // A notification's link (in the app, a push or an email) lands here with ?task=<id>: open that task.
  const linkedTask = params.get("task");
  useEffect(() => {
    if (!linkedTask) return;
    void api
      .getTask(linkedTask)
      .then(openDrawer, (error: Error) => toast({ title: "Could not open the task", description: error.message, tone: "error" }))
      .finally(() => {
        const next = new URLSearchParams(window.location.search);
        next.delete("task");
        router.replace(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
      });
    // Once per linked id; openDrawer and toast are stable in what they do.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [linkedTask]);

  const [cursor, setCursor] = useState(0);
  useHotkeys([
    { keys: "n", description: "New task", group: "Tasks", handler: () => quickAddRef.current?.focus() },
    { keys: "j", description: "Next task", group: "Tasks", handler: () => setCursor((c) => Math.min(c + 1, tasks.length - 1)) },
    { keys: "k", description: "Previous task", group: "Tasks", handler: () => setCursor((c) => Math.max(c - 1, 0)) },
    { keys: "enter", description: "Open the task", group: "Tasks", handler: () => {
        // Enter on a focused control belongs to that control.
        if (document.activeElement?.closest("button, a, input, select")) return;
        if (tasks[cursor]) openDrawer(tasks[cursor]);
      } },
    { keys: "x", description: "Complete the task", group: "Tasks", handler: () => tasks[cursor] && complete.mutate(tasks[cursor]) },
  ]);

  const setView = (id: string) => {
    const next = new URLSearchParams(params);
    if (id) next.set("view", id);
    else next.delete("view");
    router.replace(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
  };

  const manual = sort === "manual";
  const reorder = useReorder(tasks, (task, sortOrder) => {
    patchLocally(task.id, { sortOrder });
    // The list shows the new order at once; the refetch after the save confirms it.
    queryClient.setQueryData<TaskPage>(queryKeys.tasks.list(filters), (page) => (page ? { ...page, data: [...page.data].sort((a, b) => a.sortOrder - b.sortOrder || (a.id < b.id ? -1 : 1)) } : page));
    save.mutate({ base: task, patch: { sortOrder }, scope: "this", quiet: true });
  });

  const viewList = views.data;
  const customViewIds = new Set(viewList.filter((v) => !v.builtIn).map((v) => v.id));

  return (
    <div className="space-y-4">
      <nav aria-label="Views" className="-mx-1 flex gap-1 overflow-x-auto px-1 pb-1">
        {[{ id: "", name: "All" } as const, ...viewList].map((item) => (
          <button
            key={item.id || "all"}
            type="button"
            aria-current={view === item.id ? "page" : undefined}
            onClick={() => setView(item.id)}
            className={cx(
              "shrink-0 rounded-full px-3 py-1.5 text-sm font-medium",
              view === item.id ? "bg-brand-600 text-white dark:bg-brand-400 dark:text-slate-950" : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
            )}
          >
            {item.name}
          </button>
        ))}
        <Button variant="ghost" size="sm" onClick={() => setSavingView(true)} className="shrink-0">
          Save view
        </Button>
        {customViewIds.has(view) ? (
          <Button variant="ghost" size="sm" className="shrink-0" onClick={() => void api.deleteView(view).then(() => { setView(""); void queryClient.invalidateQueries({ queryKey: queryKeys.tasks.views() }); })}>
            Delete view
          </Button>
        ) : null}
      </nav>

      <QuickAdd timezone={timezone} inputRef={quickAddRef} onCreated={applyTask} onQueued={() => void invalidateLists()} />

      <div className="grid grid-cols-2 gap-2 md:grid-cols-6">
        <div className="col-span-2">
          <Input label="Search tasks" hideLabel placeholder="Search tasks" type="search" value={search} onChange={(event) => setSearch(event.target.value)} trailing={<SearchIcon className="size-4 text-slate-400" />} />
        </div>
        <Select label="Status" hideLabel value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="open">Open</option>
          <option value="">Any status</option>
          <option value="todo">To do</option>
          <option value="in_progress">In progress</option>
          <option value="done">Done</option>
        </Select>
        <Select label="Priority" hideLabel value={priority} onChange={(event) => setPriority(event.target.value)}>
          <option value="">Any priority</option>
          <option value="high">High</option>
          <option value="medium">Medium</option>
          <option value="low">Low</option>
        </Select>
        <div className="col-span-2 grid grid-cols-2 gap-2">
          <Select label="Tag" hideLabel value={tag} onChange={(event) => setTag(event.target.value)}>
            <option value="">Any tag</option>
            {tags.data.map((t) => (
              <option key={t.id} value={t.name}>
                {t.name}
              </option>
            ))}
          </Select>
          <Select label="Sort" hideLabel value={sort} onChange={(event) => setSort(event.target.value)}>
            <option value="manual">My order</option>
            <option value="dueAt">Due date</option>
            <option value="priority">Priority</option>
            <option value="createdAt">Newest</option>
          </Select>
        </div>
      </div>
      <div className="flex items-center justify-between text-sm">
        <span className="text-slate-500 dark:text-slate-400" role="status">
          {queued ? `${queued} change${queued === 1 ? "" : "s"} waiting to sync` : ""}
        </span>
        <Button variant="ghost" size="sm" onClick={() => setManagingTags(true)}>
          Manage tags
        </Button>
      </div>

      <Card>
        {list.isPending ? (
          <SkeletonList rows={5} label="Loading tasks" />
        ) : list.isError && !list.data ? (
          <ErrorState title="Could not load tasks" detail={list.error.message} requestId={list.error instanceof ApiError ? list.error.requestId : null} onRetry={() => void list.refetch()} />
        ) : tasks.length === 0 ? (
          <EmptyState
            icon={<TasksIcon className="size-7" />}
            title={q || priority || tag || view ? "No matching tasks" : "No tasks"}
            description={q || priority || tag || view ? "Nothing here matches. Try another view or clear the filters." : "Add one above, for example “Pay rent tomorrow 9am”."}
            action={
              <Button icon={<PlusIcon className="size-4" />} onClick={() => quickAddRef.current?.focus()}>
                New task
              </Button>
            }
          />
        ) : (
          <ul aria-label="Tasks" className="divide-y divide-slate-200 dark:divide-slate-800">
            {tasks.map((task, index) => (
              <TaskRow
                key={task.id}
                task={task}
                active={index === cursor}
                draggable={manual}
                dragging={reorder.draggingId === task.id}
                tagColor={tagColor}
                onOpen={() => openDrawer(task)}
                onToggle={() => (task.status === "done" ? reopen(task) : complete.mutate(task))}
                onHandlePointerDown={(event) => reorder.start(event, task.id)}
                onHandleKeyDown={(event) => reorder.key(event, task.id)}
              />
            ))}
          </ul>
        )}
      </Card>
      {list.isFetching && !list.isPending ? <p className="sr-only" role="status">Updating</p> : null}

      {drawerTask && openId === drawerTask.id ? (
        <TaskDrawer
          key={drawerTask.id}
          task={drawerTask}
          live={liveOpen.data}
          userId={userId}
          saving={save.isPending}
          onClose={() => setOpenId(null)}
          onSave={(base, patch, scope) => save.mutate({ base, patch, scope })}
          onComplete={(task) => {
            complete.mutate(task);
            setOpenId(null);
          }}
          onSkip={(task) => skip.mutate(task)}
          onDelete={(task) => setDeleting(task)}
        />
      ) : null}

      {conflict ? (
        <MergeDialog
          conflict={conflict}
          saving={save.isPending}
          onCancel={() => setConflict(null)}
          onResolve={(patch) => {
            if (Object.keys(patch).length === 0) {
              setConflict(null);
              applyTask(conflict.theirs);
              toast({ title: "Kept the other device's version" });
            } else save.mutate({ base: conflict.theirs, patch, scope: conflict.scope });
          }}
        />
      ) : null}

      <ConfirmDialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title="Delete this task?"
        description={deleting?.rrule ? "This ends the series here. To move past one occurrence, skip it instead." : "It is removed from every device."}
        confirmLabel="Delete"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
      />
      <TagManager open={managingTags} onClose={() => setManagingTags(false)} tags={tags.data} />
      <SaveViewDialog open={savingView} onClose={() => setSavingView(false)} filters={filters} onSaved={(saved) => setView(saved.id)} />
      {list.isError && list.data ? (
        <Button variant="ghost" size="sm" icon={<RotateIcon className="size-4" />} onClick={() => void list.refetch()}>
          Could not refresh; retry
        </Button>
      ) : null}
    </div>
  );
}

function TaskRow({
  task,
  active,
  draggable,
  dragging,
  tagColor,
  onOpen,
  onToggle,
  onHandlePointerDown,
  onHandleKeyDown,
}: {
  task: Task;
  active: boolean;
  draggable: boolean;
  dragging: boolean;
  tagColor: Map<string, string>;
  onOpen: () => void;
  onToggle: () => void;
  onHandlePointerDown: (event: PointerEvent<HTMLButtonElement>) => void;
  onHandleKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
}) {
  const done = task.status === "done";
  const overdue = isOverdue(task);
  return (
    <li data-task-id={task.id} className={cx("flex items-center gap-2 px-3 py-3 sm:px-4", active && "bg-slate-50 dark:bg-slate-800/40", dragging && "relative z-10 bg-white shadow-lg ring-2 ring-brand-500 dark:bg-slate-900")}>
      {draggable ? (
        <button
          type="button"
          aria-label={`Reorder “${task.title}”`}
          aria-describedby="tasks-reorder-help"
          onPointerDown={onHandlePointerDown}
          onKeyDown={onHandleKeyDown}
          className="flex size-8 shrink-0 cursor-grab touch-none items-center justify-center rounded text-slate-400 hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          <svg viewBox="0 0 24 24" className="size-4" fill="currentColor" aria-hidden="true">
            <circle cx="9" cy="6" r="1.5" /><circle cx="15" cy="6" r="1.5" /><circle cx="9" cy="12" r="1.5" /><circle cx="15" cy="12" r="1.5" /><circle cx="9" cy="18" r="1.5" /><circle cx="15" cy="18" r="1.5" />
          </svg>
        </button>
      ) : null}
      <input type="checkbox" checked={done} onChange={onToggle} aria-label={`Complete “${task.title}”`} className="size-5 shrink-0 rounded accent-brand-600 dark:accent-brand-400" />
      <button type="button" onClick={onOpen} className="min-w-0 flex-1 text-left">
        <span className={cx("block truncate text-sm font-medium", done ? "text-slate-400 line-through dark:text-slate-500" : "text-slate-900 dark:text-slate-100")}>{task.title}</span>
        <span className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-500 dark:text-slate-400">
          {task.dueAt ? <span className={cx(overdue && "font-medium text-red-600 dark:text-red-400")}>{overdue ? "Overdue · " : ""}{formatDue(task.dueAt, task.timezone, task.allDay)}</span> : null}
          {task.rrule ? <span aria-label="Repeats">↻ repeats</span> : null}
          {task.reminders.length ? (
            <span className="inline-flex items-center gap-0.5" aria-label={`${task.reminders.length} reminder${task.reminders.length === 1 ? "" : "s"}`}>
              <BellIcon className="size-3" />
              {task.reminders.length}
            </span>
          ) : null}
          {task.tags.map((name) => (
            <span key={name} className="inline-flex items-center gap-1">
              <span className="size-2 rounded-full" style={{ backgroundColor: tagColor.get(name.toLowerCase()) ?? "#94a3b8" }} aria-hidden="true" />
              {name}
            </span>
          ))}
        </span>
      </button>
      {task.priority !== "medium" ? <Badge tone={PRIORITY_TONE[task.priority]}>{task.priority}</Badge> : null}
    </li>
  );
}

/**
 * Drag to reorder, by pointer (mouse, pen or touch on the handle) or by
 * keyboard (focus the handle, arrows move it). The new place is persisted as
 * the task's `sortOrder` (the list's "My order" sort): the midpoint of its
 * new neighbours, so one PATCH moves one task.
 */
function useReorder(tasks: Task[], persist: (task: Task, sortOrder: number) => void) {
  const [draggingId, setDraggingId] = useState<string | null>(null);

  const place = (id: string, toIndex: number) => {
    const from = tasks.findIndex((task) => task.id === id);
    if (from < 0 || toIndex === from) return;
    const rest = tasks.filter((task) => task.id !== id);
    const before = rest[toIndex - 1];
    const after = rest[toIndex];
    let order: number;
    if (before && after) order = before.sortOrder === after.sortOrder ? before.sortOrder : (before.sortOrder + after.sortOrder) / 2;
    else if (before) order = before.sortOrder + 1;
    else order = (after?.sortOrder ?? 0) - 1;
    persist(tasks[from]!, order);
  };

  const start = (event: PointerEvent<HTMLButtonElement>, id: string) => {
    const handle = event.currentTarget;
    const list = handle.closest("ul");
    if (!list) return;
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    setDraggingId(id);
    const row = handle.closest("li")!;
    const startY = event.clientY;
    let target = tasks.findIndex((task) => task.id === id);
    const move = (e: globalThis.PointerEvent) => {
      row.style.transform = `translateY(${e.clientY - startY}px)`;
      const rows = Array.from(list.children) as HTMLElement[];
      target = rows.filter((other) => other !== row && other.getBoundingClientRect().top + other.offsetHeight / 2 < e.clientY).length;
    };
    const end = () => {
      row.style.transform = "";
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", end);
      handle.removeEventListener("pointercancel", end);
      setDraggingId(null);
      place(id, target);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", end);
    handle.addEventListener("pointercancel", end);
  };

  const key = (event: KeyboardEvent<HTMLButtonElement>, id: string) => {
    const index = tasks.findIndex((task) => task.id === id);
    if (event.key === "ArrowUp" && index > 0) {
      event.preventDefault();
      place(id, index - 1);
    } else if (event.key === "ArrowDown" && index < tasks.length - 1) {
      event.preventDefault();
      place(id, index + 1);
    }
  };
  return { draggingId, start, key };
}

function QuickAdd({ timezone, inputRef, onCreated, onQueued }: { timezone: string; inputRef: React.RefObject<HTMLInputElement | null>; onCreated: (task: Task) => void; onQueued: () => void }) {
  const [text, setText] = useState("");
  const { toast } = useToast();
  const parsed = useMemo(() => (text.trim() ? parseQuickAdd(text, timezone) : null), [text, timezone]);
  const create = useMutation({
    mutationFn: (body: NewTask) => api.createTask(body),
    onSuccess: (task) => {
      setText("");
      onCreated(task);
    },
    onError: (error, body) => {
      if (isNetworkError(error)) {
        enqueue({ kind: "create", body });
        setText("");
        onQueued();
        toast({ title: "Saved on this device", description: "The task is added when the hub is reachable again." });
      } else toast({ title: "Could not add the task", description: error.message, tone: "error" });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!parsed?.title) return;
    // One clientId per task typed: a retry or an offline replay of this create names it again.
    create.mutate({ clientId: newClientId(), title: parsed.title, ...(parsed.dueAt ? { dueAt: parsed.dueAt, allDay: parsed.allDay, timezone } : {}), sortOrder: Date.now() / 1000 });
  };
  return (
    <form onSubmit={submit} className="space-y-2" aria-label="Quick add">
      <div className="flex gap-2">
        <div className="min-w-0 flex-1">
          <Input ref={inputRef} label="New task" hideLabel placeholder="Add a task — e.g. “Pay rent tomorrow 9am”" value={text} onChange={(event) => setText(event.target.value)} maxLength={500} />
        </div>
        <Button type="submit" icon={<PlusIcon className="size-4" />} loading={create.isPending} disabled={!parsed?.title}>
          Add
        </Button>
      </div>
      {parsed?.dueAt ? (
        <p className="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
          <span data-testid="quick-add-preview" className="rounded-full bg-brand-50 px-2.5 py-1 font-medium text-brand-700 ring-1 ring-brand-200 dark:bg-brand-950 dark:text-brand-200 dark:ring-brand-800">
            “{parsed.title}” · due {formatDue(parsed.allDay ? `${parsed.dueAt}T12:00:00Z` : parsed.dueAt, parsed.allDay ? "UTC" : timezone, parsed.allDay)}
          </span>
          <span>in {timezone}</span>
        </p>
      ) : null}
      <p id="tasks-reorder-help" className="sr-only">
        Drag the handle, or focus it and press the up and down arrows, to move the task.
      </p>
    </form>
  );
}

function SaveViewDialog({ open, onClose, filters, onSaved }: { open: boolean; onClose: () => void; filters: Record<string, string>; onSaved: (view: SavedView) => void }) {
  const [name, setName] = useState("");
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const create = useMutation({
    mutationFn: () => {
      const { view: _view, ...rest } = filters;
      return api.createView({ name, filters: rest });
    },
    onSuccess: (view) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tasks.views() });
      setName("");
      onClose();
      onSaved(view);
    },
    onError: (error) => toast({ title: "Could not save the view", description: error.message, tone: "error" }),
  });
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title="Save view"
      description="Saves the current search, filters and sort under a name."
      formId="save-task-view"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) create.mutate();
      }}
      submitLabel="Save view"
      pending={create.isPending}
      submitDisabled={!name.trim()}
      formClassName=""
    >
      <Input label="Name" value={name} onChange={(event) => setName(event.target.value)} maxLength={100} autoFocus />
    </FormDialog>
  );
}
