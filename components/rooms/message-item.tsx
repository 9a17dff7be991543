"use client";

import { useState } from "react";
import type { MessageView } from "@/clients/sdk-ts/types";
import { errorDetail, roomsApi } from "@/components/rooms/api";
import { EmojiPicker } from "@/components/rooms/emoji-picker";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Avatar } from "@/components/ui/display";
import { Textarea } from "@/components/ui/field";
import { MoreIcon } from "@/components/ui/icons";
import { Menu, type MenuItem } from "@/components/ui/menu";
import { useToast } from "@/components/ui/toast";
import { RelativeTime } from "@/components/ui/time";
import { RoomMarkdown as Markdown } from "@/components/rooms/room-markdown";

export type MessagePermissions = {
  me: string;
  /** May post, pin and edit own messages (not an observer, room not archived). */
  canPost: boolean;
  /** May delete anyone's message (commander or hub admin). */
  canModerate: boolean;
  archived: boolean;
  editWindowMs: number;
  /** The time the list last ticked (edit windows close while the page is open). */
  now: number;
};

/** One message: content, reactions, and the actions the viewer may take on it. */
export function MessageItem({
  message,
  authorName,
  permissions,
  onChanged,
  onShowHistory,
  highlighted = false,
}: {
  message: MessageView;
  authorName: string;
  permissions: MessagePermissions;
  onChanged: (message: MessageView) => void;
  onShowHistory: (message: MessageView) => void;
  /** The message a link pointed at (a mention's notification): marked until the reader moves on. */
  highlighted?: boolean;
}) {
  const { toast } = useToast();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);

  if (message.type === "system") {
    return (
      <li aria-label={`System: ${message.content}`} className="flex justify-center px-4 py-1">
        <p className="rounded-full bg-slate-100 px-3 py-1 text-center text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">
          {message.content} · <RelativeTime value={message.createdAt} />
        </p>
      </li>
    );
  }

  const mine = message.authorId === permissions.me;
  const withinWindow = permissions.now - Date.parse(message.createdAt) < permissions.editWindowMs;
  const canEdit = mine && !message.deleted && permissions.canPost && withinWindow && message.type === "text";
  const canDelete = !message.deleted && !permissions.archived && (mine || permissions.canModerate);
  const canPin = !message.deleted && permissions.canPost;
  const canReact = !message.deleted && !permissions.archived;

  const fail = (title: string) => (error: unknown) => toast({ title, description: errorDetail(error), tone: "error" });

  const react = (emoji: string) => {
    const already = message.reactions.find((reaction) => reaction.emoji === emoji)?.userIds.includes(permissions.me);
    (already ? roomsApi.unreact(message.roomId, message.id, emoji) : roomsApi.react(message.roomId, message.id, emoji)).then(
      ({ reactions }) => onChanged({ ...message, reactions }),
      fail("Could not update the reaction"),
    );
  };

  const save = () => {
    if (draft.trim() === "" || draft === message.content) {
      setEditing(false);
      return;
    }
    setSaving(true);
    roomsApi
      .editMessage(message.roomId, message.id, { content: draft })
      .then((updated) => {
        onChanged(updated);
        setEditing(false);
      }, fail("Could not save the edit"))
      .finally(() => setSaving(false));
  };

  const remove = () => {
    setDeleting(true);
    roomsApi
      .deleteMessage(message.roomId, message.id)
      .then(onChanged, fail("Could not delete the message"))
      .finally(() => {
        setDeleting(false);
        setConfirmDelete(false);
      });
  };

  const togglePin = () => {
    (message.pinned ? roomsApi.unpin(message.roomId, message.id) : roomsApi.pin(message.roomId, message.id)).then(onChanged, fail("Could not change the pin"));
  };

  const actions: MenuItem[] = [
    ...(canEdit ? [{ label: "Edit", onSelect: () => (setDraft(message.content), setEditing(true)) }] : []),
    ...(canPin ? [{ label: message.pinned ? "Unpin from timeline" : "Pin to timeline", onSelect: togglePin }] : []),
    ...(message.editedAt && !message.deleted ? [{ label: "Edit history", onSelect: () => onShowHistory(message) }] : []),
    ...(canDelete ? [{ label: "Delete", danger: true, onSelect: () => setConfirmDelete(true) }] : []),
  ];

  return (
    <li
      aria-label={`Message from ${authorName}`}
      aria-current={highlighted ? "true" : undefined}
      data-seq={message.seq}
      data-message-id={message.id}
      className={cx(
        "group flex gap-3 px-4 py-2 hover:bg-slate-50 focus-within:bg-slate-50 dark:hover:bg-slate-900/60 dark:focus-within:bg-slate-900/60",
        highlighted && "bg-amber-50 ring-2 ring-inset ring-amber-400 dark:bg-amber-950/30 dark:ring-amber-500",
      )}
    >
      <Avatar name={authorName} size="sm" className="mt-0.5" />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2 text-xs text-slate-500 dark:text-slate-400">
          <span className="text-sm font-semibold text-slate-900 dark:text-slate-100">{authorName}</span>
          <RelativeTime value={message.createdAt} />
          {message.editedAt && !message.deleted ? (
            <button type="button" className="underline decoration-dotted hover:text-slate-800 dark:hover:text-slate-200" onClick={() => onShowHistory(message)}>
              (edited)
            </button>
          ) : null}
          {message.pinned ? <span className="font-medium text-amber-700 dark:text-amber-300">📌 pinned</span> : null}
        </div>
        {message.deleted ? (
          <p className="text-sm italic text-slate-500 dark:text-slate-400">message deleted</p>
        ) : editing ? (
          <div className="mt-1 space-y-2">
            <Textarea
              label="Edit message"
              hideLabel
              value={draft}
              rows={3}
              autoFocus
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Escape") setEditing(false);
                if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) save();
              }}
            />
            <div className="flex gap-2">
              <Button size="sm" loading={saving} onClick={save}>
                Save
              </Button>
              <Button size="sm" variant="secondary" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </div>
          </div>
        ) : (
          <MessageBody message={message} />
        )}
        {!message.deleted && (message.reactions.length > 0 || canReact) ? (
          <div className="mt-1 flex flex-wrap items-center gap-1">
            {message.reactions.map((reaction) => {
              const reacted = reaction.userIds.includes(permissions.me);
              return (
                <button
                  key={reaction.emoji}
                  type="button"
                  disabled={!canReact}
                  aria-pressed={reacted}
                  aria-label={`${reaction.emoji} ${reaction.count}${reacted ? ", you reacted" : ""}`}
                  onClick={() => react(reaction.emoji)}
                  className={cx(
                    "flex h-7 items-center gap-1 rounded-full px-2 text-sm ring-1 ring-inset",
                    reacted ? "bg-brand-50 text-brand-800 ring-brand-300 dark:bg-brand-950 dark:text-brand-200 dark:ring-brand-700" : "bg-white text-slate-700 ring-slate-200 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700",
                  )}
                >
                  <span aria-hidden="true">{reaction.emoji}</span>
                  <span className="text-xs font-semibold" aria-hidden="true">
                    {reaction.count}
                  </span>
                </button>
              );
            })}
            {canReact ? <EmojiPicker label={`Add a reaction to ${authorName}'s message`} onPick={react} /> : null}
          </div>
        ) : null}
      </div>
      {actions.length > 0 && !editing ? (
        <Menu
          label="Message actions"
          items={actions}
          trigger={(props) => (
            <button {...props} type="button" aria-label="Message actions" className="flex size-8 shrink-0 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500 dark:text-slate-400 dark:hover:bg-slate-800">
              <MoreIcon className="size-4" />
            </button>
          )}
        />
      ) : null}
      <ConfirmDialog
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        onConfirm={remove}
        busy={deleting}
        title="Delete this message?"
        description="Everyone in the room will see “message deleted” in its place. This cannot be undone."
        confirmLabel="Delete message"
      />
    </li>
  );
}

function MessageBody({ message }: { message: MessageView }) {
  const data = message.data ?? {};
  if ((message.type === "image_ref" || message.type === "file_ref") && typeof data.url === "string" && /^https?:\/\//i.test(data.url)) {
    const name = typeof data.name === "string" ? data.name : data.url;
    return (
      <div className="text-sm">
        {message.content ? <Markdown source={message.content} /> : null}
        <a href={data.url} target="_blank" rel="noopener noreferrer" className="text-brand-700 underline dark:text-brand-300">
          {message.type === "image_ref" ? "🖼 " : "📎 "}
          {name}
        </a>
      </div>
    );
  }
  if (message.type === "incident_data") {
    return (
      <div className="text-sm">
        {message.content ? <Markdown source={message.content} /> : null}
        <pre className="mt-1 max-h-60 overflow-auto rounded-lg bg-slate-100 p-2 font-mono text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200">{JSON.stringify(data, null, 2)}</pre>
      </div>
    );
  }
  return <Markdown source={message.content} />;
}
