"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import type { MessageView, RoomDetail, RoomRole } from "@/clients/sdk-ts/types";
import { errorDetail, requestIdOf, roomsApi } from "@/components/rooms/api";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Avatar, Badge } from "@/components/ui/display";
import { Input, Select } from "@/components/ui/field";
import { SearchIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Tabs } from "@/components/ui/tabs";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { RoomMarkdown as Markdown } from "@/components/rooms/room-markdown";
import { queryKeys } from "@/lib/query-keys";

export type RoomAbilities = { me: string; canManage: boolean; isCommander: boolean; archived: boolean };

/** The room's side panel: who is here, the timeline, and search. A column on desktop, a sheet on a phone. */
export function SidePanel({ room, online, abilities, onRoomChanged, nameOf }: { room: RoomDetail; online: string[]; abilities: RoomAbilities; onRoomChanged: () => void; nameOf: (userId: string) => string }) {
  return (
    <Tabs
      label="Room details"
      tabs={[
        { id: "people", label: `People (${online.length} online)`, content: <People room={room} online={online} abilities={abilities} onRoomChanged={onRoomChanged} /> },
        { id: "timeline", label: "Timeline", content: <Timeline roomId={room.id} nameOf={nameOf} /> },
        { id: "search", label: "Search", content: <Search roomId={room.id} nameOf={nameOf} /> },
      ]}
    />
  );
}

const ROLE_ORDER: Record<RoomRole, number> = { commander: 0, scribe: 1, participant: 2, observer: 3 };

function People({ room, online, abilities, onRoomChanged }: { room: RoomDetail; online: string[]; abilities: RoomAbilities; onRoomChanged: () => void }) {
  const router = useRouter();
  const { toast } = useToast();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Exclude<RoomRole, "commander">>("participant");
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<string | undefined>();
  const [leaving, setLeaving] = useState(false);
  const onlineSet = new Set(online);
  const members = [...room.members].sort((a, b) => Number(onlineSet.has(b.userId)) - Number(onlineSet.has(a.userId)) || ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name));
  const manage = abilities.canManage && !abilities.archived;

  const run = (promise: Promise<unknown>, failure: string) =>
    promise.then(onRoomChanged, (error: unknown) => toast({ title: failure, description: errorDetail(error), tone: "error" }));

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim()) {
      setAddError("Enter the person's email");
      return;
    }
    setAdding(true);
    setAddError(undefined);
    roomsApi
      .addMember(room.id, { email: email.trim(), role })
      .then(() => {
        setEmail("");
        onRoomChanged();
      }, (error: unknown) => setAddError(errorDetail(error)))
      .finally(() => setAdding(false));
  };

  return (
    <div className="space-y-4 p-3">
      <ul aria-label="Members" className="space-y-1">
        {members.map((member) => {
          const isOnline = onlineSet.has(member.userId);
          const isMe = member.userId === abilities.me;
          return (
            <li key={member.userId} aria-label={`${member.name}, ${member.role}, ${isOnline ? "online" : "offline"}`} className="flex flex-wrap items-center gap-2 rounded-lg px-2 py-1.5">
              <span className="relative">
                <Avatar name={member.name} size="sm" />
                <span aria-hidden="true" className={cx("absolute -right-0.5 -bottom-0.5 size-2.5 rounded-full ring-2 ring-white dark:ring-slate-950", isOnline ? "bg-emerald-500" : "bg-slate-300 dark:bg-slate-600")} />
              </span>
              <div className="min-w-[9rem] flex-1">
                <p className="truncate text-sm font-medium text-slate-900 dark:text-slate-100">
                  {member.name}
                  {isMe ? <span className="font-normal text-slate-500"> (you)</span> : null}
                </p>
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  {isOnline ? "online" : "offline"} · @{member.handle}
                </p>
              </div>
              {manage && member.role !== "commander" && !isMe ? (
                <Select
                  label={`Role of ${member.name}`}
                  hideLabel
                  value={member.role}
                  className="h-8 w-32 text-xs"
                  onChange={(event) => void run(roomsApi.addMember(room.id, { userId: member.userId, role: event.target.value as Exclude<RoomRole, "commander"> }), "Could not change the role")}
                >
                  <option value="scribe">scribe</option>
                  <option value="participant">participant</option>
                  <option value="observer">observer</option>
                </Select>
              ) : (
                <Badge tone={member.role === "commander" ? "brand" : "neutral"}>{member.role}</Badge>
              )}
              {manage && member.role !== "commander" && !isMe ? (
                <Button size="sm" variant="ghost" aria-label={`Remove ${member.name}`} onClick={() => void run(roomsApi.removeMember(room.id, member.userId), "Could not remove the member")}>
                  ✕
                </Button>
              ) : null}
            </li>
          );
        })}
      </ul>

      {abilities.isCommander && !abilities.archived && room.members.length > 1 ? (
        <Select label="Hand over command" value="" onChange={(event) => event.target.value && void run(roomsApi.updateRoom(room.id, { commanderId: event.target.value }), "Could not hand over command")}>
          <option value="">Choose the next commander…</option>
          {room.members
            .filter((member) => member.role !== "commander" && member.role !== "observer")
            .map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name}
              </option>
            ))}
        </Select>
      ) : null}

      {manage ? (
        <form onSubmit={add} className="space-y-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800" noValidate>
          <p className="text-sm font-medium text-slate-900 dark:text-slate-100">Add someone</p>
          <Input label="Email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} error={addError} placeholder="oncall@example.com" />
          <Select label="Role" value={role} onChange={(event) => setRole(event.target.value as Exclude<RoomRole, "commander">)}>
            <option value="participant">participant</option>
            <option value="scribe">scribe</option>
            <option value="observer">observer (read and react only)</option>
          </Select>
          <Button type="submit" size="sm" loading={adding}>
            Add member
          </Button>
        </form>
      ) : null}

      {room.role !== "commander" ? (
        <Button variant="secondary" size="sm" onClick={() => setLeaving(true)}>
          Leave room
        </Button>
      ) : null}
      <ConfirmDialog
        open={leaving}
        onClose={() => setLeaving(false)}
        onConfirm={() =>
          roomsApi.removeMember(room.id, abilities.me).then(
            () => router.push("/rooms"),
            (error: unknown) => toast({ title: "Could not leave the room", description: errorDetail(error), tone: "error" }),
          )
        }
        title="Leave this room?"
        description="You stop receiving its messages; someone who manages the room can add you back."
        confirmLabel="Leave room"
      />
    </div>
  );
}

function Timeline({ roomId, nameOf }: { roomId: string; nameOf: (userId: string) => string }) {
  const timeline = useQuery({ queryKey: queryKeys.rooms.timeline(roomId), queryFn: () => roomsApi.timeline(roomId, { limit: 200 }) });
  if (timeline.isPending) return <SkeletonList rows={3} label="Loading the timeline" />;
  if (timeline.isError) return <ErrorState title="Could not load the timeline" detail={errorDetail(timeline.error)} requestId={requestIdOf(timeline.error)} onRetry={() => void timeline.refetch()} />;
  if (timeline.data.data.length === 0) return <EmptyState title="Nothing on the timeline yet" description="Status and severity changes appear here, with messages pinned from the chat." />;
  return (
    <ol aria-label="Timeline" className="space-y-3 border-l-2 border-slate-200 py-3 pr-3 pl-4 ml-4 dark:border-slate-800">
      {timeline.data.data.map((entry) => (
        <TimelineEntry key={entry.id} entry={entry} nameOf={nameOf} />
      ))}
    </ol>
  );
}

function TimelineEntry({ entry, nameOf }: { entry: MessageView; nameOf: (userId: string) => string }) {
  return (
    <li className="relative">
      <span aria-hidden="true" className={cx("absolute top-1.5 -left-[1.4rem] size-2.5 rounded-full", entry.type === "system" ? "bg-slate-400" : "bg-amber-500")} />
      <p className="text-xs text-slate-500 dark:text-slate-400">
        <RelativeTime value={entry.createdAt} />
        {entry.type === "system" ? "" : ` · 📌 pinned, from ${nameOf(entry.authorId)}`}
      </p>
      {entry.type === "system" ? <p className="text-sm text-slate-800 dark:text-slate-200">{entry.content}</p> : entry.deleted ? <p className="text-sm italic text-slate-500">message deleted</p> : <Markdown source={entry.content} />}
    </li>
  );
}

function Search({ roomId, nameOf }: { roomId: string; nameOf: (userId: string) => string }) {
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  const results = useQuery({ queryKey: queryKeys.rooms.search(roomId, q), queryFn: () => roomsApi.search(roomId, q, { limit: 50 }), enabled: q.length > 0 });
  return (
    <div className="space-y-3 p-3">
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setQ(draft.trim());
        }}
        className="flex items-end gap-2"
      >
        <Input label="Search this room" type="search" value={draft} onChange={(event) => setDraft(event.target.value)} className="flex-1" />
        <Button type="submit" variant="secondary" icon={<SearchIcon className="size-4" />}>
          Search
        </Button>
      </form>
      {!q ? null : results.isPending ? (
        <SkeletonList rows={2} label="Searching" />
      ) : results.isError ? (
        <ErrorState title="Search failed" detail={errorDetail(results.error)} onRetry={() => void results.refetch()} />
      ) : results.data.data.length === 0 ? (
        <EmptyState title="No matches" description={`Nothing in this room matches “${q}”.`} />
      ) : (
        <ul aria-label="Search results" className="space-y-2">
          {results.data.data.map((hit) => (
            <li key={hit.id} className="rounded-lg border border-slate-200 p-2 dark:border-slate-800">
              <p className="text-xs text-slate-500 dark:text-slate-400">
                {nameOf(hit.authorId)} · <RelativeTime value={hit.createdAt} />
              </p>
              <Markdown source={hit.content} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
