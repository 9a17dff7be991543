"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { MessageView, RoomDetail, RoomSeverity, RoomStatus } from "@/clients/sdk-ts/types";
import { errorDetail, roomsApi, SEVERITIES, SEVERITY_LABEL, STATUSES, STATUS_LABEL } from "@/components/rooms/api";
import { SeverityBadge, StatusBadge } from "@/components/rooms/badges";
import { Composer } from "@/components/rooms/composer";
import { MessageItem, type MessagePermissions } from "@/components/rooms/message-item";
import { SidePanel } from "@/components/rooms/side-panel";
import { useRoomLive, type Connection } from "@/components/rooms/use-room-live";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Dialog, Sheet } from "@/components/ui/dialog";
import { Select } from "@/components/ui/field";
import { ChevronRightIcon, WifiOffIcon } from "@/components/ui/icons";
import { SkeletonList, Spinner } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { RoomMarkdown as Markdown } from "@/components/rooms/room-markdown";
import { queryKeys } from "@/lib/query-keys";

/**
 * An incident room: the live conversation, the composer, and the side panel
 * (people, timeline, search). State comes from useRoomLive, which rides on
 * the SDK's RoomsSocket for reconnects, exact resume and the offline queue.
 */
export function RoomView({ initialRoom, me, hubAdmin, editWindowMinutes }: { initialRoom: RoomDetail; me: string; hubAdmin: boolean; editWindowMinutes: number }) {
  const live = useRoomLive(initialRoom);
  const { room } = live;
  const { toast } = useToast();
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [historyOf, setHistoryOf] = useState<MessageView | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const names = useMemo(() => new Map(room.members.map((member) => [member.userId, member.name])), [room.members]);
  const nameOf = useCallback((userId: string) => names.get(userId) ?? (userId === me ? "You" : "Former member"), [names, me]);
  const isCommander = room.role === "commander" || hubAdmin;
  const canManage = isCommander || room.role === "scribe";
  const canPost = room.role !== "observer" && !room.archived;
  const permissions: MessagePermissions = { me, canPost, canModerate: isCommander, archived: room.archived, editWindowMs: editWindowMinutes * 60_000, now };
  const disabledReason = room.archived
    ? "This room is archived and read-only. The commander can reopen it."
    : room.role === "observer"
      ? "You are an observer: you can read and react, but not post. Ask the commander or a scribe for the participant role."
      : null;

  const change = (changes: { status?: RoomStatus; severity?: RoomSeverity; archived?: boolean }) =>
    roomsApi.updateRoom(room.id, changes).then(
      (updated) => live.setRoom(updated),
      (error: unknown) => toast({ title: "Could not update the room", description: errorDetail(error), tone: "error" }),
    );

  if (live.fatal) {
    return (
      <div className="mx-auto max-w-2xl px-4 py-10">
        <ErrorState title="This room is not available" detail={live.fatal} />
        <div className="mt-4 text-center">
          <Link href="/rooms" className="text-sm text-brand-700 underline dark:text-brand-300">
            Back to your rooms
          </Link>
        </div>
      </div>
    );
  }

  const typingNames = live.typing.filter((userId) => userId !== me).map(nameOf);
  const panel = <SidePanel room={room} online={live.online} abilities={{ me, canManage, isCommander, archived: room.archived }} onRoomChanged={live.refreshRoom} nameOf={nameOf} />;

  return (
    <div className="flex h-[calc(100dvh-3.5rem-4.5rem-env(safe-area-inset-bottom))] min-h-[28rem] flex-col md:h-[calc(100dvh-3.5rem)]">
      <header className="border-b border-slate-200 px-4 py-3 md:px-6 dark:border-slate-800">
        <nav aria-label="Breadcrumb" className="mb-1 text-xs text-slate-500 dark:text-slate-400">
          <Link href="/rooms" className="hover:underline">
            Rooms
          </Link>
          <ChevronRightIcon className="mx-1 inline size-3" />
        </nav>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="min-w-0 flex-1 truncate text-lg font-semibold text-slate-900 md:text-xl dark:text-slate-50">{room.title}</h1>
          <Button size="sm" variant="secondary" className="lg:hidden" onClick={() => setDetailsOpen(true)}>
            People · Timeline
          </Button>
        </div>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          {canManage && !room.archived ? (
            <>
              <Select label="Status" hideLabel value={room.status} className="h-8 w-40 text-sm" onChange={(event) => void change({ status: event.target.value as RoomStatus })}>
                {STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {STATUS_LABEL[status]}
                  </option>
                ))}
              </Select>
              <Select label="Severity" hideLabel value={room.severity} className="h-8 w-40 text-sm" onChange={(event) => void change({ severity: event.target.value as RoomSeverity })}>
                {SEVERITIES.map((severity) => (
                  <option key={severity} value={severity}>
                    {SEVERITY_LABEL[severity]}
                  </option>
                ))}
              </Select>
            </>
          ) : (
            <>
              <SeverityBadge severity={room.severity} />
              <StatusBadge status={room.status} />
            </>
          )}
          {room.archived ? <span className="rounded-md bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-700 dark:text-slate-200">Archived</span> : null}
          <span className="text-xs text-slate-500 dark:text-slate-400">
            Your role: {room.role}
          </span>
          {room.role === "commander" || hubAdmin ? (
            <Button size="sm" variant="ghost" className="ml-auto" onClick={() => void change({ archived: !room.archived })}>
              {room.archived ? "Reopen room" : "Archive room"}
            </Button>
          ) : null}
        </div>
        {room.description ? (
          <div className="mt-2 line-clamp-2 max-sm:hidden">
            <Markdown source={room.description} />
          </div>
        ) : null}
      </header>

      <ConnectionBanner connection={live.connection} pending={live.pending.length} onRetry={live.reconnectNow} />

      <div className="flex min-h-0 flex-1">
        <section aria-label="Conversation" className="flex min-w-0 flex-1 flex-col">
          <MessageList live={live} permissions={permissions} nameOf={nameOf} onShowHistory={setHistoryOf} />
          <p aria-live="polite" className="h-5 px-4 text-xs text-slate-500 italic dark:text-slate-400">
            {typingNames.length === 1 ? `${typingNames[0]} is typing…` : typingNames.length > 1 ? `${typingNames.join(", ")} are typing…` : ""}
          </p>
          <Composer members={room.members.filter((member) => member.userId !== me)} disabledReason={disabledReason} onSend={live.send} onTyping={live.notifyTyping} />
        </section>
        <aside aria-label="Room details" className="hidden w-80 shrink-0 overflow-y-auto border-l border-slate-200 lg:block dark:border-slate-800">
          {panel}
        </aside>
      </div>

      <Sheet open={detailsOpen} onClose={() => setDetailsOpen(false)} title="Room details" side="bottom" className="max-h-[85dvh]">
        {panel}
      </Sheet>
      <HistoryDialog message={historyOf} onClose={() => setHistoryOf(null)} nameOf={nameOf} />
    </div>
  );
}

function ConnectionBanner({ connection, pending, onRetry }: { connection: Connection; pending: number; onRetry: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (connection.state !== "reconnecting") return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [connection.state]);
  const seconds = connection.retryAt ? Math.max(0, Math.ceil((connection.retryAt - now) / 1000)) : null;
  const show = connection.state === "reconnecting" || connection.state === "closed";
  return (
    <div role="status" aria-label="Room connection" className={cx(show ? "flex" : "sr-only", "items-center gap-2 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200")}>
      {connection.state === "connected" ? (
        "Live"
      ) : connection.state === "connecting" ? (
        "Connecting…"
      ) : connection.state === "closed" ? (
        <>
          <WifiOffIcon className="size-4" /> Disconnected. Reload the page to reconnect.
        </>
      ) : (
        <>
          <WifiOffIcon className="size-4 shrink-0" />
          <span className="flex-1">
            Reconnecting…{seconds !== null && seconds > 0 ? ` next try in ${seconds} s.` : ""}
            {pending > 0 ? ` ${pending} message${pending === 1 ? "" : "s"} will be sent when the connection is back.` : ""}
          </span>
          <Button size="sm" variant="secondary" onClick={onRetry}>
            Retry now
          </Button>
        </>
      )}
    </div>
  );
}

function MessageList({ live, permissions, nameOf, onShowHistory }: { live: ReturnType<typeof useRoomLive>; permissions: MessagePermissions; nameOf: (userId: string) => string; onShowHistory: (message: MessageView) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const count = live.messages.length + live.pending.length;
  const firstSeq = live.messages[0]?.seq;
  const lastSeq = live.messages.at(-1)?.seq;

  // Follow new messages while the reader is at the bottom; keep the place when older ones load.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [count, lastSeq, firstSeq]);

  // A mention's notification links here with ?message=<id>: bring that message into view (it stays
  // marked while the address names it), loading earlier pages (at most ten) when it is older than
  // the latest ones.
  const target = useSearchParams().get("message");
  const found = useRef<string | null>(null);
  const olderLoads = useRef(0);
  const { messages, history, loadOlder } = live;
  useEffect(() => {
    if (!target || found.current === target) return;
    if (messages.some((message) => message.id === target)) {
      found.current = target;
      stick.current = false;
      requestAnimationFrame(() => scrollRef.current?.querySelector(`[data-message-id="${CSS.escape(target)}"]`)?.scrollIntoView({ block: "center" }));
    } else if (messages.length > 0 && history.hasOlder && !history.loading && !history.error && olderLoads.current < 10) {
      olderLoads.current += 1;
      loadOlder();
    }
  }, [target, messages, history.hasOlder, history.loading, history.error, loadOlder]);

  return (
    <div
      ref={scrollRef}
      onScroll={(event) => {
        const el = event.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
      className="min-h-0 flex-1 overflow-y-auto overscroll-contain py-2"
    >
      {live.history.hasOlder ? (
        <div className="flex justify-center py-2">
          <Button size="sm" variant="ghost" loading={live.history.loading} onClick={live.loadOlder}>
            Load earlier messages
          </Button>
        </div>
      ) : null}
      {live.history.error ? (
        <ErrorState title="Could not load the messages" detail={live.history.error} onRetry={live.loadLatest} />
      ) : live.history.loading && live.messages.length === 0 ? (
        <div className="p-4">
          <SkeletonList rows={5} label="Loading messages" />
        </div>
      ) : live.messages.length === 0 && live.pending.length === 0 ? (
        <EmptyState title="No messages yet" description="Say what you see: the first message starts the room's record. Status changes and pinned messages also build the timeline." />
      ) : null}
      <ol aria-label="Messages" className="space-y-0.5">
        {live.messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            authorName={nameOf(message.authorId)}
            permissions={permissions}
            onChanged={(updated) => live.upsert([updated])}
            onShowHistory={onShowHistory}
            highlighted={message.id === target}
          />
        ))}
        {live.pending.map((item) => (
          <li key={item.clientId} aria-label="Pending message" className="flex gap-3 px-4 py-2 opacity-70">
            <div className="size-8 shrink-0" />
            <div className="min-w-0 flex-1">
              <p className="flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
                {item.failed ? (
                  <span className="text-red-600 dark:text-red-400">Not sent: {item.failed}</span>
                ) : live.connection.state === "connected" ? (
                  <>
                    <Spinner decorative className="size-3" /> Sending…
                  </>
                ) : (
                  "Waiting for the connection…"
                )}
              </p>
              <p className="text-sm whitespace-pre-wrap text-slate-700 dark:text-slate-300">{item.content}</p>
              {item.failed ? (
                <Button size="sm" variant="ghost" onClick={() => live.discard(item.clientId)}>
                  Dismiss
                </Button>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

function HistoryDialog({ message, onClose, nameOf }: { message: MessageView | null; onClose: () => void; nameOf: (userId: string) => string }) {
  const history = useQuery({
    queryKey: queryKeys.rooms.history(message?.roomId ?? "", message?.id ?? ""),
    queryFn: () => roomsApi.messageHistory(message!.roomId, message!.id),
    enabled: message !== null,
  });
  return (
    <Dialog open={message !== null} onClose={onClose} title="Edit history" description="Earlier versions of this message, newest first." size="md">
      {history.isPending ? (
        <SkeletonList rows={2} label="Loading the history" />
      ) : history.isError ? (
        <ErrorState title="Could not load the history" detail={errorDetail(history.error)} onRetry={() => void history.refetch()} />
      ) : history.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">This message has not been edited.</p>
      ) : (
        <ol aria-label="Earlier versions" className="space-y-3">
          <li className="rounded-lg border border-brand-200 p-2 dark:border-brand-900">
            <p className="text-xs font-medium text-slate-500">Current</p>
            <p className="text-sm whitespace-pre-wrap">{message?.content}</p>
          </li>
          {[...history.data].reverse().map((edit) => (
            <li key={edit.replacedAt} className="rounded-lg border border-slate-200 p-2 dark:border-slate-800">
              <p className="text-xs text-slate-500">
                Replaced <RelativeTime value={edit.replacedAt} /> by {nameOf(edit.editorId)}
              </p>
              <p className="text-sm whitespace-pre-wrap text-slate-800 dark:text-slate-200">{edit.content}</p>
            </li>
          ))}
        </ol>
      )}
    </Dialog>
  );
}
