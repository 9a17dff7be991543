"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCommands } from "@/components/commands/registry";
import { Button, buttonClasses } from "@/components/ui/button";
import { SecretField } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog, FormDialog } from "@/components/ui/dialog";
import { Badge, Card, CardHeader } from "@/components/ui/display";
import { Checkbox, Input } from "@/components/ui/field";
import { PlusIcon, TrashIcon, WebhookIcon } from "@/components/ui/icons";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import type { WebhookView } from "@/lib/webhooks/schemas";

const EVENT_DESCRIPTIONS: Record<(typeof WEBHOOK_EVENT_TYPES)[number], string> = {
  "message.received": "A message arrived in the inbox",
  "message.updated": "A message was read, tagged or deleted",
  "task.created": "A task was created",
  "task.updated": "A task changed",
  "task.completed": "A task was completed",
  "room.message": "Someone posted in an incident room",
  "room.status_changed": "An incident room changed status",
  "device.offline": "A device stopped sending heartbeats",
  "task.assigned": "A task was assigned to someone",
  "task.status_changed": "A task moved between states",
  "task.reminder": "A task reminder fired",
  "room.mention": "Someone was mentioned in a room",
  "webhook.disabled": "A webhook was disabled after failing",
};

async function listWebhooks(): Promise<WebhookView[]> {
  return (await apiFetch<{ data: WebhookView[] }>("/api/v1/webhooks?limit=100")).data;
}

export function webhookState(webhook: WebhookView): { label: string; tone: "success" | "warning" | "danger" | "neutral" } {
  if (!webhook.active) return { label: "Disabled", tone: "danger" };
  if (webhook.failureCount > 0) return { label: `Failing (${webhook.failureCount})`, tone: "warning" };
  return { label: "Active", tone: "success" };
}

/** Settings → Webhooks: the user's endpoints; create (secret shown once), edit, delete; each links to its deliveries. */
export function WebhooksManager({ initialWebhooks }: { initialWebhooks: WebhookView[] }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [editing, setEditing] = useState<WebhookView | "new" | null>(null);
  const [deleting, setDeleting] = useState<WebhookView | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const webhooks = useQuery({ queryKey: queryKeys.webhooks.list(), queryFn: listWebhooks, initialData: initialWebhooks, staleTime: 10_000 });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.webhooks.all() });

  useCommands([{ id: "webhooks.create", label: "Add a webhook", group: "Settings", keywords: ["integration", "http", "callback"], run: () => setEditing("new") }]);

  const remove = useMutation({
    mutationFn: (webhook: WebhookView) => apiFetch<void>(`/api/v1/webhooks/${encodeURIComponent(webhook.id)}`, { method: "DELETE" }),
    onSuccess: () => {
      setDeleting(null);
      toast({ title: "Webhook deleted", tone: "success" });
      void invalidate();
    },
    onError: (error) => toast({ title: "Could not delete the webhook", description: error.message, tone: "error" }),
  });

  const add = (
    <Button icon={<PlusIcon className="size-4" />} onClick={() => setEditing("new")}>
      Add webhook
    </Button>
  );
  const list = webhooks.data;
  return (
    <Card>
      <CardHeader title="Webhooks" description="The hub POSTs each event you choose to your URL, signed with the webhook's secret (X-Hub-Signature-256)." actions={add} />
      {webhooks.isError && !list ? (
        <ErrorState title="Could not load your webhooks" detail={webhooks.error.message} onRetry={() => void webhooks.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState icon={<WebhookIcon className="size-7" />} title="No webhooks" description="Add one to send new messages, task changes or room updates to your own service." action={add} />
      ) : (
        <ul aria-label="Webhooks" className="divide-y divide-slate-200 dark:divide-slate-800">
          {list.map((webhook) => {
            const state = webhookState(webhook);
            return (
              <li key={webhook.id} aria-label={webhook.url} className="flex flex-col gap-3 px-4 py-4 sm:flex-row sm:items-start sm:px-5">
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <Link href={`/settings/webhooks/${webhook.id}`} className="font-mono text-sm font-medium break-all text-slate-900 hover:underline dark:text-slate-100">
                      {webhook.url}
                    </Link>
                    <Badge tone={state.tone}>{state.label}</Badge>
                  </div>
                  {webhook.description ? <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{webhook.description}</p> : null}
                  <div className="mt-2 flex flex-wrap gap-1" aria-label="Events">
                    {webhook.events.map((event) => (
                      <Badge key={event}>{event === ALL_EVENTS ? "all events" : event}</Badge>
                    ))}
                  </div>
                  <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
                    Created <RelativeTime value={webhook.createdAt} /> · {webhook.lastSuccessAt ? <>Last delivered <RelativeTime value={webhook.lastSuccessAt} /></> : "Nothing delivered yet"}
                    {webhook.disabledReason ? <> · {webhook.disabledReason}</> : null}
                  </p>
                </div>
                <div className="flex shrink-0 flex-wrap gap-2">
                  <Link href={`/settings/webhooks/${webhook.id}`} className={buttonClasses({ variant: "secondary", size: "sm" })} aria-label={`Deliveries of ${webhook.url}`}>
                    Deliveries
                  </Link>
                  <Button variant="secondary" size="sm" onClick={() => setEditing(webhook)} aria-label={`Edit ${webhook.url}`}>
                    Edit
                  </Button>
                  <Button variant="secondary" size="sm" icon={<TrashIcon className="size-4" />} onClick={() => setDeleting(webhook)} aria-label={`Delete ${webhook.url}`}>
                    Delete
                  </Button>
                </div>
              </li>
            );
          })}
        </ul>
      )}

      {editing ? (
        <WebhookForm
          webhook={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            if (saved.secret) setSecret({ url: saved.webhook.url, secret: saved.secret });
            else toast({ title: "Webhook saved", tone: "success" });
            void invalidate();
          }}
        />
      ) : null}

      <Dialog
        open={secret !== null}
        onClose={() => setSecret(null)}
        title="Webhook created"
        description="Copy the signing secret now; it is shown only once. Your endpoint checks X-Hub-Signature-256 with it."
        footer={<Button onClick={() => setSecret(null)}>Done</Button>}
      >
        {secret ? <SecretField label={`Signing secret for ${secret.url}`} value={secret.secret} /> : null}
      </Dialog>

      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
        busy={remove.isPending}
        title="Delete this webhook?"
        description={<p>Events stop going to {deleting?.url}, and its delivery log is removed.</p>}
        confirmLabel="Delete webhook"
      />
    </Card>
  );
}

export function WebhookForm({ webhook, onClose, onSaved }: { webhook: WebhookView | null; onClose: () => void; onSaved: (saved: { webhook: WebhookView; secret?: string }) => void }) {
  const [url, setUrl] = useState(webhook?.url ?? "");
  const [description, setDescription] = useState(webhook?.description ?? "");
  const [events, setEvents] = useState<string[]>(webhook?.events ?? []);
  const [active, setActive] = useState(webhook?.active ?? true);
  const [errors, setErrors] = useState<{ url?: string; events?: string; form?: string }>({});
  const all = events.includes(ALL_EVENTS);

  const save = useMutation({
    mutationFn: async () => {
      const body = { url: url.trim(), events, description: description.trim() || (webhook ? null : undefined) };
      if (!webhook) return apiFetch<{ webhook: WebhookView; secret: string }>("/api/v1/webhooks", { body });
      return apiFetch<{ webhook: WebhookView }>(`/api/v1/webhooks/${encodeURIComponent(webhook.id)}`, { method: "PATCH", body: { ...body, active } });
    },
    onSuccess: onSaved,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 422) setErrors({ url: error.fieldError("url"), events: error.fieldError("events"), form: error.fieldError("url") || error.fieldError("events") ? undefined : error.message });
      else setErrors({ form: error.message });
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local = { url: /^https?:\/\/\S+$/.test(url.trim()) ? undefined : "Enter an http or https URL", events: events.length ? undefined : "Choose at least one event" };
    setErrors(local);
    if (!local.url && !local.events) save.mutate();
  };
  const toggle = (name: string, on: boolean) => setEvents((current) => (on ? [...current.filter((e) => e !== ALL_EVENTS), name] : current.filter((e) => e !== name)));

  return (
    <FormDialog
      open
      size="lg"
      onClose={onClose}
      title={webhook ? "Edit webhook" : "Add a webhook"}
      description="Each event is a POST of {id, type, createdAt, data}. Failed deliveries are retried with backoff."
      formId="webhook-form"
      onSubmit={onSubmit}
      submitLabel={webhook ? "Save" : "Add webhook"}
      pending={save.isPending}
      formError={errors.form}
      formClassName="space-y-5"
    >
      <Input label="URL" type="url" inputMode="url" autoFocus placeholder="https://example.com/hooks/hub" value={url} onChange={(e) => setUrl(e.target.value)} error={errors.url} />
      <Input label="Description" placeholder="What receives these events" maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
      <fieldset aria-describedby={errors.events ? "webhook-events-error" : undefined}>
        <legend className="mb-2 text-sm font-medium text-slate-800 dark:text-slate-200">Events</legend>
        <Checkbox label="All events" description="Every event type, including ones added later" checked={all} onChange={(e) => setEvents(e.target.checked ? [ALL_EVENTS] : [])} />
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          {WEBHOOK_EVENT_TYPES.map((name) => (
            <Checkbox
              key={name}
              label={<span className="font-mono text-[13px]">{name}</span>}
              description={EVENT_DESCRIPTIONS[name]}
              disabled={all}
              checked={all || events.includes(name)}
              onChange={(e) => toggle(name, e.target.checked)}
            />
          ))}
        </div>
        {errors.events ? (
          <p id="webhook-events-error" className="mt-2 text-xs font-medium text-red-600 dark:text-red-400">
            {errors.events}
          </p>
        ) : null}
      </fieldset>
      {webhook ? <Checkbox label="Active" description="Turning it back on clears its failure count" checked={active} onChange={(e) => setActive(e.target.checked)} /> : null}
    </FormDialog>
  );
}
