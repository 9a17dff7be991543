"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useCommands } from "@/components/commands/registry";
import { useHotkeys } from "@/components/hotkeys/use-hotkeys";
import { devicesQuery } from "@/components/devices/query";
import { apiQuery, filtersFromParams, matchesFilters, withFilters } from "@/components/inbox/filters";
import { Highlight, searchTerms } from "@/components/inbox/highlight";
import { MessageDetail } from "@/components/inbox/message-detail";
import { PriorityBadge, TypeIcon } from "@/components/inbox/message-bits";
import { InboxFilterBar } from "@/components/inbox/filter-bar";
import { ThreadList } from "@/components/inbox/threads";
import { useMessageCache, type MessagePages as Pages } from "@/components/inbox/cache";
import { saveForOffline } from "@/components/pwa/offline-data";
import { useOnReconnect, useRealtimeEvent } from "@/components/realtime/realtime-provider";
import { refetchAfterChange } from "@/components/realtime/refetch";
import Link from "next/link";
import { Button, buttonClasses } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Badge, Card } from "@/components/ui/display";
import { CheckIcon, InboxIcon, TrashIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import type { DeviceView } from "@/lib/devices/schemas";
import type { MessageView } from "@/lib/messages/schemas";
import type { MessagePage } from "@/components/inbox/cache";
import { queryKeys, type InboxFilters } from "@/lib/query-keys";

export type InboxDevice = Pick<DeviceView, "id" | "name" | "unreadCount">;

const ROW_ESTIMATE = 84;

export function Inbox({ initialDevices, timeZone }: { initialDevices: DeviceView[]; timeZone: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(params.toString())), [params]);
  const view = params.get("view") === "threads" ? "threads" : "messages";
  const openId = params.get("m");
  const terms = useMemo(() => searchTerms(filters.q), [filters.q]);
  // Unread counts per device change with every new or read message; the list refetches after each.
  const devices: InboxDevice[] = useQuery(devicesQuery(initialDevices)).data;
  const refreshDevices = useCallback(() => void queryClient.invalidateQueries({ queryKey: queryKeys.devices.all() }), [queryClient]);
  const deviceNames = useMemo(() => new Map(devices.map((device) => [device.id, device.name])), [devices]);
  const updateCache = useMessageCache();

  const navigate = useCallback(
    (changes: Parameters<typeof withFilters>[1], mode: "push" | "replace" = "replace") => {
      const href = `${pathname}${withFilters(new URLSearchParams(params.toString()), changes)}`;
      if (mode === "push") router.push(href, { scroll: false });
      else router.replace(href, { scroll: false });
    },
    [params, pathname, router],
  );

  const query = useInfiniteQuery({
    queryKey: queryKeys.messages.list(filters),
    queryFn: ({ pageParam, signal }) => apiFetch<MessagePage>(`/api/v1/messages?${apiQuery(filters, pageParam)}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore && last.nextCursor ? last.nextCursor : undefined),
    enabled: view === "messages",
  });
  const messages = useMemo(() => query.data?.pages.flatMap((page) => page.data) ?? [], [query.data]);

  // Notification links written before the inbox settled on ?m= say ?message=: open the same drawer.
  const legacyOpen = params.get("message");
  useEffect(() => {
    if (!legacyOpen) return;
    const next = new URLSearchParams(params.toString());
    next.delete("message");
    if (!next.has("m")) next.set("m", legacyOpen);
    router.replace(`${pathname}?${next}`, { scroll: false });
  }, [legacyOpen, params, pathname, router]);

  // Selection for bulk actions, and the keyboard cursor.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [cursor, setCursor] = useState(0);
  useEffect(() => {
    setSelected(new Set());
    setCursor(0);
  }, [filters]);

  // The offline page shows the latest loaded inbox (unfiltered views only, so it is the real inbox).
  useEffect(() => {
    if (Object.keys(filters).length > 0 || messages.length === 0) return;
    void saveForOffline("last-inbox", {
      savedAt: new Date().toISOString(),
      messages: messages.slice(0, 50).map((message) => ({
        id: message.id,
        sender: message.sender,
        preview: (message.title ? `${message.title}: ` : "") + message.body.slice(0, 140),
        receivedAt: message.receivedAt,
        read: message.read,
        type: message.type,
        device: message.deviceId ? deviceNames.get(message.deviceId) : undefined,
      })),
    });
  }, [messages, filters, deviceNames]);

  // --- The virtualised list --------------------------------------------------
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer's functions are not memoizable; React Compiler skips this component, which is what we want.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: messages.length + (query.hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 8,
    getItemKey: (index) => messages[index]?.id ?? "loader",
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (lastIndex >= messages.length - 5 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  }, [lastIndex, messages.length, query]);

  // --- Live updates ----------------------------------------------------------
  // While the list is scrolled down, new messages wait behind the "N new" pill instead of shifting the rows under the reader.
  const [pending, setPending] = useState<MessageView[]>([]);
  const atTop = () => (scrollRef.current?.scrollTop ?? 0) < 40;
  const insert = useCallback(
    (incoming: MessageView[]) => {
      for (const cached of queryClient.getQueriesData<Pages>({ queryKey: queryKeys.messages.lists() })) {
        const [key, data] = cached;
        const keyFilters = (key[2] ?? {}) as InboxFilters;
        if (!data) {
          // Still on its first load, which may have read before this message: it loads again.
          void refetchAfterChange(queryClient, { queryKey: key, exact: true });
          continue;
        }
        if (keyFilters.q) {
          void queryClient.invalidateQueries({ queryKey: key, exact: true });
          continue;
        }
        const known = new Set(data.pages.flatMap((page) => page.data.map((message) => message.id)));
        const fresh = incoming.filter((message) => !known.has(message.id) && matchesFilters(message, keyFilters));
        if (fresh.length === 0) continue;
        const [first, ...rest] = data.pages;
        if (!first) continue;
        const merged = [...fresh, ...first.data].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
        queryClient.setQueryData<Pages>(key, { ...data, pages: [{ ...first, data: merged }, ...rest] });
      }
    },
    [queryClient],
  );

  useRealtimeEvent("hub:message", (payload) => {
    const message = payload?.message;
    if (!message || typeof message.id !== "string") return;
    void refetchAfterChange(queryClient, { queryKey: ["messages", "threads"] });
    refreshDevices();
    if (atTop()) insert([message]);
    else setPending((list) => (list.some((m) => m.id === message.id) ? list : [message, ...list]));
  });

  useRealtimeEvent("hub:message:updated", (payload) => {
    const changed = payload?.message;
    if (!changed || typeof changed.id !== "string") return;
    updateCache((message) => (message.id !== changed.id ? message : changed.deleted ? null : { ...message, ...changed }));
    queryClient.setQueryData(queryKeys.messages.detail(changed.id), changed.deleted ? undefined : changed);
    void refetchAfterChange(queryClient, { queryKey: ["messages", "threads"] });
    refreshDevices();
  });

  useOnReconnect(() => setPending([]));

  const showPending = () => {
    insert(pending);
    setPending([]);
    scrollRef.current?.scrollTo({ top: 0 });
  };
  const onScroll = () => {
    if (pending.length > 0 && atTop()) showPending();
  };

  // --- Actions ---------------------------------------------------------------
  const onError = (error: unknown) => toast({ tone: "error", title: "That did not work", description: error instanceof ApiError ? error.message : String(error) });

  const setRead = useMutation({
    mutationFn: async ({ ids, read }: { ids: string[]; read: boolean }) => {
      if (ids.length > 1) await apiFetch(read ? "/api/v1/messages/read" : "/api/v1/messages/unread", { body: { ids } });
      else await Promise.all(ids.map((id) => apiFetch(`/api/v1/messages/${encodeURIComponent(id)}/read`, { method: read ? "PUT" : "DELETE" })));
      return { ids, read };
    },
    onMutate: ({ ids, read }) => {
      const set = new Set(ids);
      updateCache((message) => (set.has(message.id) ? { ...message, read, readAt: read ? new Date().toISOString() : null } : message));
    },
    onError: (error) => {
      onError(error);
      void queryClient.invalidateQueries({ queryKey: queryKeys.messages.all() });
    },
    onSettled: () => {
      void refetchAfterChange(queryClient, { queryKey: ["messages", "threads"] });
      refreshDevices();
    },
  });

  const remove = useMutation({
    mutationFn: async (ids: string[]) => {
      await Promise.all(ids.map((id) => apiFetch(`/api/v1/messages/${encodeURIComponent(id)}`, { method: "DELETE" })));
      return ids;
    },
    onSuccess: (ids) => {
      const set = new Set(ids);
      updateCache((message) => (set.has(message.id) ? null : message));
      refreshDevices();
      setSelected(new Set());
      toast({ tone: "success", title: ids.length === 1 ? "Message deleted" : `${ids.length} messages deleted` });
    },
    onError,
  });

  const bulkPriority = useMutation({
    mutationFn: async ({ ids, priority }: { ids: string[]; priority: string }) =>
      Promise.all(ids.map((id) => apiFetch<{ message: MessageView } | MessageView>(`/api/v1/messages/${encodeURIComponent(id)}`, { method: "PATCH", body: { priority } }))),
    onSuccess: (_, { ids, priority }) => {
      const set = new Set(ids);
      updateCache((message) => (set.has(message.id) ? { ...message, priority: priority as MessageView["priority"] } : message));
    },
    onError,
  });

  const bulkTag = useMutation({
    mutationFn: async ({ ids, tag }: { ids: string[]; tag: string }) => {
      const byId = new Map(messages.map((message) => [message.id, message]));
      await Promise.all(
        ids.map((id) => apiFetch(`/api/v1/messages/${encodeURIComponent(id)}`, { method: "PATCH", body: { tags: [...new Set([...(byId.get(id)?.tags ?? []), tag])] } })),
      );
      return { ids, tag };
    },
    onSuccess: ({ ids, tag }) => {
      const set = new Set(ids);
      updateCache((message) => (set.has(message.id) && !message.tags.includes(tag) ? { ...message, tags: [...message.tags, tag] } : message));
    },
    onError,
  });

  const open = useCallback((id: string) => navigate({ m: id }, "push"), [navigate]);
  const close = useCallback(() => navigate({ m: undefined }), [navigate]);

  const toggleSelect = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const move = (delta: number) => {
    if (messages.length === 0) return;
    const next = Math.max(0, Math.min(messages.length - 1, cursor + delta));
    setCursor(next);
    virtualizer.scrollToIndex(next, { align: "auto" });
    requestAnimationFrame(() => document.getElementById(`message-row-${messages[next]?.id}`)?.focus({ preventScroll: true }));
  };

  const current = messages[cursor];
  useHotkeys([
    { keys: "j", description: "Next message", group: "Inbox", handler: () => move(1), enabled: view === "messages" && !openId },
    { keys: "k", description: "Previous message", group: "Inbox", handler: () => move(-1), enabled: view === "messages" && !openId },
    { keys: "Enter", description: "Open message", group: "Inbox", handler: () => current && open(current.id), enabled: view === "messages" && !openId },
    {
      keys: "e",
      description: "Mark read / unread",
      group: "Inbox",
      handler: () => {
        const target = openId ? messages.find((message) => message.id === openId) : current;
        if (target) setRead.mutate({ ids: [target.id], read: !target.read });
      },
      enabled: view === "messages",
    },
    { keys: "x", description: "Select message", group: "Inbox", handler: () => current && toggleSelect(current.id), enabled: view === "messages" && !openId },
  ]);

  useCommands([
    { id: "inbox.unread", label: "Show unread messages", group: "Inbox", run: () => navigate({ read: "false", view: undefined }) },
    { id: "inbox.all", label: "Show all messages", group: "Inbox", run: () => router.replace("/inbox") },
    { id: "inbox.threads", label: "Show threads", group: "Inbox", run: () => navigate({ view: "threads" }) },
    {
      id: "inbox.mark-all-read",
      label: "Mark all as read",
      group: "Inbox",
      run: () =>
        void apiFetch("/api/v1/messages/read", { body: { filter: {} } })
          .then(() => queryClient.invalidateQueries({ queryKey: queryKeys.messages.all() }))
          .catch(onError),
    },
    { id: "inbox.devices", label: "Devices", group: "Inbox", href: "/settings/devices", keywords: ["phone", "register"] },
  ]);

  const selectedIds = [...selected];
  const openMessage = openId ? messages.find((message) => message.id === openId) : undefined;
  const unreadLoaded = messages.filter((message) => !message.read).length;

  return (
    <div className="space-y-4">
      <InboxFilterBar filters={filters} devices={devices} view={view} onChange={(changes) => navigate(changes)} />

      {view === "threads" ? (
        <ThreadList device={filters.device} deviceNames={deviceNames} onOpenThread={(key) => navigate({ view: undefined, thread: key, q: undefined }, "push")} />
      ) : (
        <Card className="relative overflow-hidden">
          <div className="flex min-h-12 flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2 text-sm dark:border-slate-800">
            {selected.size > 0 ? (
              <div role="toolbar" aria-label="Selected messages" className="flex flex-wrap items-center gap-2">
                <span className="font-medium text-slate-800 dark:text-slate-200">{selected.size} selected</span>
                <Button size="sm" variant="secondary" icon={<CheckIcon className="size-4" />} loading={setRead.isPending} onClick={() => setRead.mutate({ ids: selectedIds, read: true }, { onSuccess: () => setSelected(new Set()) })}>
                  Mark read
                </Button>
                <Button size="sm" variant="secondary" onClick={() => setRead.mutate({ ids: selectedIds, read: false }, { onSuccess: () => setSelected(new Set()) })}>
                  Mark unread
                </Button>
                <select
                  aria-label="Set priority of selected"
                  className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm dark:border-slate-700 dark:bg-slate-900"
                  value=""
                  onChange={(event) => event.target.value && bulkPriority.mutate({ ids: selectedIds, priority: event.target.value })}
                >
                  <option value="">Priority…</option>
                  {["low", "normal", "high", "urgent"].map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() => {
                    const tag = window.prompt("Tag to add")?.trim().toLowerCase();
                    if (tag) bulkTag.mutate({ ids: selectedIds, tag });
                  }}
                >
                  Tag…
                </Button>
                <Button size="sm" variant="danger" icon={<TrashIcon className="size-4" />} loading={remove.isPending} onClick={() => remove.mutate(selectedIds)}>
                  Delete
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
                  Clear
                </Button>
              </div>
            ) : (
              <p className="text-slate-600 dark:text-slate-400" aria-live="polite">
                {query.isSuccess ? (
                  <>
                    {messages.length}
                    {query.hasNextPage ? "+" : ""} messages{unreadLoaded > 0 ? `, ${unreadLoaded} unread` : ""}
                  </>
                ) : (
                  "Loading messages…"
                )}
              </p>
            )}
          </div>

          {pending.length > 0 ? (
            <button
              type="button"
              onClick={showPending}
              className="absolute left-1/2 top-14 z-10 -translate-x-1/2 rounded-full bg-brand-600 px-3 py-1 text-sm font-medium text-white shadow-lg dark:bg-brand-400 dark:text-slate-950"
            >
              {pending.length} new
            </button>
          ) : null}

          {query.isPending ? (
            <div className="p-4">
              <SkeletonList rows={6} label="Loading messages" />
            </div>
          ) : query.isError ? (
            <ErrorState detail={query.error.message} requestId={query.error instanceof ApiError ? query.error.requestId : null} onRetry={() => void query.refetch()} />
          ) : messages.length === 0 ? (
            Object.keys(filters).length > 0 ? (
              <EmptyState
                icon={<InboxIcon className="size-7" />}
                title="No messages match"
                description="Try fewer filters or another search."
                action={
                  <Button variant="secondary" onClick={() => router.replace("/inbox")}>
                    Clear filters
                  </Button>
                }
              />
            ) : (
              <EmptyState
                icon={<InboxIcon className="size-7" />}
                title="No messages yet"
                description={
                  <p>
                    Messages land here when a phone or a script forwards them. Register a phone as a device, or post to{" "}
                    <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs dark:bg-slate-800">POST /api/v1/messages</code> with an API key that has the{" "}
                    <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs dark:bg-slate-800">messages:write</code> scope.
                  </p>
                }
                action={
                  <>
                    <Link href="/settings/devices" className={buttonClasses()}>
                      Add a device
                    </Link>
                    <Link href="/settings/api-keys?create=1" className={buttonClasses({ variant: "secondary" })}>
                      Create an API key
                    </Link>
                  </>
                }
              />
            )
          ) : (
            <div ref={scrollRef} onScroll={onScroll} data-testid="message-scroller" className="h-[calc(100dvh-19rem)] min-h-80 overflow-y-auto overscroll-contain md:h-[calc(100dvh-17rem)]">
              <ul aria-label="Messages" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
                {items.map((item) => {
                  const message = messages[item.index];
                  return (
                    <li
                      key={item.key}
                      data-index={item.index}
                      ref={virtualizer.measureElement}
                      className="absolute left-0 top-0 w-full"
                      style={{ transform: `translateY(${item.start}px)` }}
                    >
                      {message ? (
                        <MessageRow
                          message={message}
                          terms={terms}
                          deviceName={message.deviceId ? deviceNames.get(message.deviceId) : undefined}
                          timeZone={timeZone}
                          active={item.index === cursor}
                          selected={selected.has(message.id)}
                          onToggle={() => toggleSelect(message.id)}
                          onOpen={() => {
                            setCursor(item.index);
                            open(message.id);
                          }}
                        />
                      ) : (
                        <div className="p-4 text-center text-sm text-slate-500">Loading more…</div>
                      )}
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
        </Card>
      )}

      {openId ? (
        <MessageDetail
          id={openId}
          initial={openMessage}
          deviceName={openMessage?.deviceId ? deviceNames.get(openMessage.deviceId) : undefined}
          terms={terms}
          timeZone={timeZone}
          onClose={close}
          onFilterTag={(tag) => navigate({ tag, m: undefined })}
        />
      ) : null}
    </div>
  );
}

function MessageRow({
  message,
  terms,
  deviceName,
  timeZone,
  active,
  selected,
  onToggle,
  onOpen,
}: {
  message: MessageView;
  terms: string[];
  deviceName?: string;
  timeZone: string;
  active: boolean;
  selected: boolean;
  onToggle: () => void;
  onOpen: () => void;
}) {
  const unread = !message.read;
  return (
    <div
      className={cx(
        "group flex items-start gap-3 border-b border-slate-100 px-3 py-3 dark:border-slate-800",
        selected ? "bg-brand-50 dark:bg-brand-950/60" : active ? "bg-slate-50 dark:bg-slate-800/50" : "hover:bg-slate-50 dark:hover:bg-slate-800/40",
      )}
      data-unread={unread || undefined}
    >
      <input
        type="checkbox"
        aria-label={`Select message from ${message.sender}`}
        checked={selected}
        onChange={onToggle}
        className="mt-1 size-4 shrink-0 accent-brand-600 dark:accent-brand-400"
      />
      <button
        type="button"
        id={`message-row-${message.id}`}
        onClick={onOpen}
        className="min-w-0 flex-1 rounded text-left outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
        aria-label={`${unread ? "Unread. " : ""}${message.sender}: ${message.title ?? message.body.slice(0, 80)}`}
      >
        <div className="flex items-center gap-2">
          {unread ? <span className="size-2 shrink-0 rounded-full bg-brand-600 dark:bg-brand-400" aria-hidden="true" /> : null}
          <TypeIcon type={message.type} className="size-4 shrink-0 text-slate-500 dark:text-slate-400" />
          <span className={cx("min-w-0 flex-1 truncate text-sm", unread ? "font-semibold text-slate-900 dark:text-slate-50" : "text-slate-700 dark:text-slate-300")} data-testid="message-sender">
            <Highlight text={message.sender} terms={terms} />
          </span>
          <span className="shrink-0 text-xs text-slate-500 dark:text-slate-400">
            <RelativeTime value={message.receivedAt} timeZone={timeZone} />
          </span>
        </div>
        <p className={cx("mt-0.5 line-clamp-2 break-words text-sm", unread ? "font-medium text-slate-800 dark:text-slate-200" : "text-slate-600 dark:text-slate-400")} data-testid="message-snippet">
          {message.title ? (
            <>
              <Highlight text={message.title} terms={terms} />
              {" — "}
            </>
          ) : null}
          <Highlight text={message.body.slice(0, 300)} terms={terms} />
        </p>
        <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
          {deviceName ? <span className="truncate">{deviceName}</span> : <span>{message.source}</span>}
          <PriorityBadge priority={message.priority} />
          {message.tags.map((tag) => (
            <Badge key={tag} tone="brand">
              {tag}
            </Badge>
          ))}
        </div>
      </button>
    </div>
  );
}
