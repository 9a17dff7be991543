"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Page, RoomSeverity, RoomSummary } from "@/clients/sdk-ts/types";
import { errorDetail, requestIdOf, roomsApi, SEVERITIES, SEVERITY_LABEL } from "@/components/rooms/api";
import { SeverityBadge, StatusBadge } from "@/components/rooms/badges";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { FormDialog } from "@/components/ui/dialog";
import { Card } from "@/components/ui/display";
import { Input, Select, Textarea } from "@/components/ui/field";
import { ChevronRightIcon, PlusIcon, RoomsIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { queryKeys } from "@/lib/query-keys";

/**
 * The caller's incident rooms, newest first, with severity, status and
 * unread counts. Counts refresh every 20 s and when the tab regains focus;
 * the room itself is live.
 */
export function RoomList({ initial, initialArchived }: { initial: Page<RoomSummary>; initialArchived: "true" | "false" }) {
  const [archived, setArchived] = useState<"true" | "false">(initialArchived);
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: queryKeys.rooms.list(archived),
    queryFn: () => roomsApi.listRooms({ archived, limit: 200 }),
    initialData: archived === initialArchived ? initial : undefined,
    refetchInterval: 20_000,
  });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div role="group" aria-label="Which rooms" className="inline-flex rounded-lg bg-slate-100 p-1 dark:bg-slate-800">
          {(["false", "true"] as const).map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={archived === value}
              onClick={() => setArchived(value)}
              className={cx(
                "rounded-md px-3 py-1.5 text-sm font-medium",
                archived === value ? "bg-white text-slate-900 shadow-sm dark:bg-slate-950 dark:text-slate-100" : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100",
              )}
            >
              {value === "false" ? "Open" : "Archived"}
            </button>
          ))}
        </div>
        <Button icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
          New room
        </Button>
      </div>

      <Card>
        {list.isPending ? (
          <div className="p-4">
            <SkeletonList rows={4} label="Loading rooms" />
          </div>
        ) : list.isError ? (
          <ErrorState title="Could not load your rooms" detail={errorDetail(list.error)} requestId={requestIdOf(list.error)} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          archived === "true" ? (
            <EmptyState icon={<RoomsIcon className="size-7" />} title="No archived rooms" description="Rooms you archive after an incident are kept here, read-only." />
          ) : (
            <EmptyState
              icon={<RoomsIcon className="size-7" />}
              title="No open incident rooms"
              description="When something breaks, open a room: the team chats live, the commander tracks status and severity, and the timeline keeps the key events."
              action={
                <Button icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
                  Open a room
                </Button>
              }
            />
          )
        ) : (
          <ul aria-label={archived === "true" ? "Archived rooms" : "Open rooms"} className="divide-y divide-slate-200 dark:divide-slate-800">
            {list.data.data.map((room) => (
              <RoomRow key={room.id} room={room} />
            ))}
          </ul>
        )}
      </Card>
      <NewRoomDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

function RoomRow({ room }: { room: RoomSummary }) {
  return (
    <li aria-label={room.title}>
      <Link href={`/rooms/${room.id}`} className="flex items-center gap-3 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none sm:px-5 dark:hover:bg-slate-800/50 dark:focus-visible:bg-slate-800/50">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <SeverityBadge severity={room.severity} />
            <StatusBadge status={room.status} />
            <span className={cx("truncate text-sm text-slate-900 dark:text-slate-100", room.unreadCount > 0 ? "font-semibold" : "font-medium")}>{room.title}</span>
          </div>
          <p className="mt-1 truncate text-xs text-slate-500 dark:text-slate-400">
            {room.role} · opened <RelativeTime value={room.createdAt} />
            {room.description ? ` · ${room.description}` : ""}
          </p>
        </div>
        {room.unreadCount > 0 ? (
          <span className="rounded-full bg-brand-600 px-2 py-0.5 text-xs font-semibold text-white" aria-label={`${room.unreadCount} unread`}>
            {room.unreadCount > 99 ? "99+" : room.unreadCount}
          </span>
        ) : null}
        <ChevronRightIcon className="size-4 shrink-0 text-slate-400" />
      </Link>
    </li>
  );
}

function NewRoomDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [severity, setSeverity] = useState<RoomSeverity>("sev2");
  const [description, setDescription] = useState("");
  const [titleError, setTitleError] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: () => roomsApi.createRoom({ title: title.trim(), severity, description: description.trim() }),
    onSuccess: (room) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.rooms.all() });
      router.push(`/rooms/${room.id}`);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) {
      setTitleError("Give the room a title");
      return;
    }
    setTitleError(undefined);
    create.mutate();
  };

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title="New incident room"
      description="You become the room's commander; add people once it is open."
      formId="new-room-form"
      onSubmit={submit}
      submitLabel="Open room"
      pending={create.isPending}
      formError={create.isError ? errorDetail(create.error) : undefined}
    >
      <Input label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={titleError} maxLength={200} autoFocus placeholder="Checkout errors after 4.12 deploy" />
      <Select label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value as RoomSeverity)}>
        {SEVERITIES.map((value) => (
          <option key={value} value={value}>
            {SEVERITY_LABEL[value]}
          </option>
        ))}
      </Select>
      <Textarea label="Description" hint="Optional. What is happening, who is affected." value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={10_000} />
    </FormDialog>
  );
}
