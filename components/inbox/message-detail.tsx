"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { Highlight } from "@/components/inbox/highlight";
import { useMessageCache } from "@/components/inbox/cache";
import { PriorityBadge, TYPE_LABELS, TypeIcon } from "@/components/inbox/message-bits";
import { Button } from "@/components/ui/button";
import { Sheet } from "@/components/ui/dialog";
import { Badge } from "@/components/ui/display";
import { TrashIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { ErrorState } from "@/components/ui/states";
import { useToast } from "@/components/ui/toast";
import { apiFetch } from "@/lib/http/api-client";
import type { MessageType, MessageView } from "@/lib/messages/schemas";
import { queryKeys } from "@/lib/query-keys";

/**
 * One message with everything that was forwarded: a drawer over the list,
 * addressed by ?m=<id> so it survives a reload and the back button closes it.
 * Opening an unread message marks it read.
 */
export function MessageDetail({
  id,
  initial,
  deviceName,
  terms,
  timeZone,
  onClose,
  onFilterTag,
}: {
  id: string;
  initial?: MessageView;
  deviceName?: string;
  terms: string[];
  timeZone: string;
  onClose: () => void;
  onFilterTag: (tag: string) => void;
}) {
  const queryClient = useQueryClient();
  const updateCache = useMessageCache();
  const { toast } = useToast();
  const query = useQuery({
    queryKey: queryKeys.messages.detail(id),
    queryFn: async ({ signal }) => (await apiFetch<{ message: MessageView }>(`/api/v1/messages/${encodeURIComponent(id)}`, { signal })).message,
    initialData: initial,
  });
  const message = query.data;

  const apply = (next: MessageView) => {
    queryClient.setQueryData(queryKeys.messages.detail(id), next);
    updateCache((m) => (m.id === next.id ? { ...m, ...next } : m));
  };
  const fail = (error: Error) => toast({ tone: "error", title: "That did not work", description: error.message });

  const setRead = useMutation({
    mutationFn: async (read: boolean) => (await apiFetch<{ message: MessageView }>(`/api/v1/messages/${encodeURIComponent(id)}/read`, { method: read ? "PUT" : "DELETE" })).message,
    onSuccess: apply,
    onError: fail,
  });
  const patch = useMutation({
    mutationFn: async (body: { tags?: string[]; priority?: string }) => (await apiFetch<{ message: MessageView }>(`/api/v1/messages/${encodeURIComponent(id)}`, { method: "PATCH", body })).message,
    onSuccess: apply,
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: () => apiFetch(`/api/v1/messages/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => {
      updateCache((m) => (m.id === id ? null : m));
      toast({ tone: "success", title: "Message deleted" });
      onClose();
    },
    onError: fail,
  });

  const unreadOnOpen = message && !message.read;
  useEffect(() => {
    if (unreadOnOpen) setRead.mutate(true);
    // Once per opened message.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, unreadOnOpen === undefined]);

  const [tagDraft, setTagDraft] = useState("");
  const exact = (value: string) => new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long", timeZone }).format(new Date(value));

  return (
    <Sheet open onClose={onClose} side="right" title={message ? message.title || message.sender : "Message"} size="lg">
      {query.isError && !message ? (
        <ErrorState title="Message not found" detail={query.error.message} />
      ) : !message ? (
        <div className="flex justify-center p-8">
          <Spinner />
        </div>
      ) : (
        <div className="space-y-5" data-testid="message-detail">
          <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
            <TypeIcon type={message.type} />
            <span>{TYPE_LABELS[message.type as MessageType] ?? message.type}</span>
            <span aria-hidden="true">·</span>
            <span className="font-medium text-slate-900 dark:text-slate-100">
              <Highlight text={message.sender} terms={terms} />
            </span>
            <PriorityBadge priority={message.priority} />
            {!message.read ? <Badge tone="brand">unread</Badge> : null}
          </div>
          <p className="whitespace-pre-wrap break-words text-sm leading-6 text-slate-800 dark:text-slate-200" data-testid="message-body">
            <Highlight text={message.body} terms={terms} />
          </p>

          <div className="flex flex-wrap gap-2">
            <Button size="sm" variant="secondary" loading={setRead.isPending} onClick={() => setRead.mutate(!message.read)}>
              {message.read ? "Mark unread" : "Mark read"}
            </Button>
            <label className="sr-only" htmlFor="detail-priority">
              Priority
            </label>
            <select
              id="detail-priority"
              className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
              value={message.priority}
              onChange={(event) => patch.mutate({ priority: event.target.value })}
            >
              {["low", "normal", "high", "urgent"].map((p) => (
                <option key={p} value={p}>
                  Priority: {p}
                </option>
              ))}
            </select>
            <Button size="sm" variant="danger" icon={<TrashIcon className="size-4" />} loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete
            </Button>
          </div>

          <div>
            <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">Tags</h3>
            <div className="flex flex-wrap items-center gap-1.5">
              {message.tags.map((tag) => (
                <span key={tag} className="inline-flex items-center gap-1">
                  <button type="button" onClick={() => onFilterTag(tag)} title={`Show messages tagged ${tag}`}>
                    <Badge tone="brand">{tag}</Badge>
                  </button>
                  <button type="button" aria-label={`Remove tag ${tag}`} className="text-xs text-slate-500 hover:text-red-600" onClick={() => patch.mutate({ tags: message.tags.filter((t) => t !== tag) })}>
                    ×
                  </button>
                </span>
              ))}
              <form
                className="inline-flex"
                onSubmit={(event) => {
                  event.preventDefault();
                  const tag = tagDraft.trim().toLowerCase();
                  if (!tag) return;
                  patch.mutate({ tags: [...new Set([...message.tags, tag])] }, { onSuccess: () => setTagDraft("") });
                }}
              >
                <label className="sr-only" htmlFor="detail-add-tag">
                  Add a tag
                </label>
                <input
                  id="detail-add-tag"
                  value={tagDraft}
                  onChange={(event) => setTagDraft(event.target.value)}
                  placeholder="Add tag"
                  maxLength={50}
                  className="h-7 w-28 rounded-md border border-slate-300 bg-white px-2 text-xs dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
                />
              </form>
            </div>
          </div>

          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
            <Meta label="Received">{exact(message.receivedAt)}</Meta>
            {message.sentAt ? <Meta label="Sent">{exact(message.sentAt)}</Meta> : null}
            <Meta label="Device">{deviceName ?? (message.deviceId ? message.deviceId : "—")}</Meta>
            <Meta label="Source">{message.source}</Meta>
            {message.recipient ? <Meta label="Recipient">{message.recipient}</Meta> : null}
            {message.app ? <Meta label="App">{message.app}</Meta> : null}
            {message.simSlot !== null ? <Meta label="SIM">{`SIM ${message.simSlot + 1} (slot ${message.simSlot})`}</Meta> : null}
            {message.threadKey ? <Meta label="Thread">{message.threadKey}</Meta> : null}
            {message.externalId ? <Meta label="External id">{message.externalId}</Meta> : null}
            <Meta label="Id">{message.id}</Meta>
          </dl>

          {message.attachments.length > 0 ? (
            <div>
              <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">Attachments</h3>
              <ul className="space-y-1 text-sm">
                {message.attachments.map((attachment, index) => (
                  <li key={index} className="break-all">
                    {attachment.url && /^https?:\/\//i.test(attachment.url) ? (
                      <a href={attachment.url} target="_blank" rel="noopener noreferrer nofollow" className="text-brand-700 underline dark:text-brand-300">
                        {attachment.name ?? attachment.url}
                      </a>
                    ) : (
                      <span>{attachment.name ?? "attachment"}</span>
                    )}{" "}
                    <span className="text-slate-500">
                      {attachment.contentType}
                      {attachment.size !== undefined ? `, ${attachment.size} bytes` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}

          {Object.keys(message.metadata).length > 0 ? (
            <div>
              <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">Metadata</h3>
              <pre className="max-h-64 overflow-auto rounded-lg bg-slate-100 p-3 font-mono text-xs text-slate-800 dark:bg-slate-950 dark:text-slate-200">{JSON.stringify(message.metadata, null, 2)}</pre>
            </div>
          ) : null}
        </div>
      )}
    </Sheet>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900 dark:text-slate-100">{children}</dd>
    </>
  );
}
