"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { WebhookForm, webhookState } from "@/components/settings/webhooks";
import { Button } from "@/components/ui/button";
import { Badge, Card, CardHeader, type Tone } from "@/components/ui/display";
import { Select } from "@/components/ui/field";
import { RotateIcon, WebhookIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { DeliveryView, WebhookView } from "@/lib/webhooks/schemas";

type DeliveryPage = { data: DeliveryView[]; nextCursor: string | null; hasMore: boolean };

const STATUS_TONE: Record<DeliveryView["status"], Tone> = { pending: "neutral", sending: "brand", succeeded: "success", failed: "danger", cancelled: "warning" };

/** A webhook's delivery log, newest first, refreshed every few seconds; each delivery can be sent again. */
export function WebhookDeliveries({ webhook: initialWebhook, initialPage }: { webhook: WebhookView; initialPage: DeliveryPage }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const { toast } = useToast();
  const [status, setStatus] = useState("");
  const [editing, setEditing] = useState(false);
  const id = initialWebhook.id;
  const webhook = useQuery({
    queryKey: queryKeys.webhooks.detail(id),
    queryFn: async () => (await apiFetch<{ webhook: WebhookView }>(`/api/v1/webhooks/${encodeURIComponent(id)}`)).webhook,
    initialData: initialWebhook,
  }).data;
  const deliveries = useInfiniteQuery({
    queryKey: queryKeys.webhooks.deliveries(id, { status: status || undefined }),
    queryFn: ({ pageParam }) => {
      const search = new URLSearchParams({ limit: "50" });
      if (status) search.set("status", status);
      if (pageParam) search.set("cursor", pageParam);
      return apiFetch<DeliveryPage>(`/api/v1/webhooks/${encodeURIComponent(id)}/deliveries?${search}`);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? (last.nextCursor ?? undefined) : undefined),
    initialData: status ? undefined : { pages: [initialPage], pageParams: [undefined] },
    // Deliveries run in the background; the log follows them without a reload.
    refetchInterval: 4_000,
  });

  const redeliver = useMutation({
    mutationFn: (delivery: DeliveryView) => apiFetch<{ delivery: DeliveryView }>(`/api/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`, { method: "POST" }),
    onSuccess: () => {
      toast({ title: "Redelivery queued", tone: "success" });
      void queryClient.invalidateQueries({ queryKey: ["webhooks", "deliveries", id] });
    },
    onError: (error) => toast({ title: "Could not redeliver", description: error.message, tone: "error" }),
  });

  const state = webhookState(webhook);
  const rows = deliveries.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <div className="space-y-4">
      <Link href="/settings/webhooks" className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300">
        ← All webhooks
      </Link>
      <Card>
        <CardHeader
          title={<span className="font-mono text-base break-all">{webhook.url}</span>}
          description={
            <span className="flex flex-wrap items-center gap-2">
              <Badge tone={state.tone}>{state.label}</Badge>
              {webhook.events.map((event) => (
                <Badge key={event}>{event === "*" ? "all events" : event}</Badge>
              ))}
            </span>
          }
          actions={
            <Button variant="secondary" onClick={() => setEditing(true)}>
              Edit
            </Button>
          }
        />
        <div className="flex items-end justify-between gap-3 border-t border-slate-200 px-4 py-3 sm:px-5 dark:border-slate-800">
          <h2 className="text-sm font-semibold text-slate-900 dark:text-slate-100">Deliveries</h2>
          <Select label="Status" hideLabel className="w-40" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            {Object.keys(STATUS_TONE).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </Select>
        </div>
        {deliveries.isPending ? (
          <SkeletonList rows={3} label="Loading deliveries" />
        ) : deliveries.isError && rows.length === 0 ? (
          <ErrorState title="Could not load deliveries" detail={deliveries.error.message} onRetry={() => void deliveries.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState icon={<WebhookIcon className="size-7" />} title="No deliveries yet" description="They appear here as soon as an event this webhook listens to happens." />
        ) : (
          <ul aria-label="Deliveries" className="divide-y divide-slate-200 dark:divide-slate-800">
            {rows.map((delivery) => (
              <li key={delivery.id} aria-label={`${delivery.eventType} ${delivery.id}`} className="px-4 py-3 sm:px-5">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={STATUS_TONE[delivery.status]}>{delivery.status}</Badge>
                  <span className="font-mono text-sm text-slate-900 dark:text-slate-100">{delivery.eventType}</span>
                  {delivery.redeliveryOf ? <Badge tone="brand">redelivery</Badge> : null}
                  <span className="text-xs text-slate-500 dark:text-slate-400">
                    {delivery.responseStatus !== null ? `HTTP ${delivery.responseStatus}` : delivery.error ?? "no response yet"}
                    {delivery.durationMs !== null ? ` · ${delivery.durationMs} ms` : ""} · attempt {delivery.attempt} · <RelativeTime value={delivery.createdAt} />
                  </span>
                  <Button
                    variant="ghost"
                    size="sm"
                    className="ml-auto"
                    icon={<RotateIcon className="size-4" />}
                    loading={redeliver.isPending && redeliver.variables?.id === delivery.id}
                    onClick={() => redeliver.mutate(delivery)}
                    aria-label={`Redeliver ${delivery.id}`}
                  >
                    Redeliver
                  </Button>
                </div>
                <details className="mt-2 text-xs">
                  <summary className="cursor-pointer font-medium text-brand-700 select-none hover:underline dark:text-brand-300">Request and response</summary>
                  <div className="mt-2 grid gap-2 md:grid-cols-2">
                    <div>
                      <p className="mb-1 font-medium text-slate-700 dark:text-slate-300">Request body</p>
                      <pre className="max-h-60 overflow-auto rounded-lg bg-slate-50 p-2 font-mono whitespace-pre-wrap break-all text-slate-800 dark:bg-slate-950 dark:text-slate-200">{delivery.requestBody}</pre>
                    </div>
                    <div>
                      <p className="mb-1 font-medium text-slate-700 dark:text-slate-300">Response (first 1 KB)</p>
                      <pre className="max-h-60 overflow-auto rounded-lg bg-slate-50 p-2 font-mono whitespace-pre-wrap break-all text-slate-800 dark:bg-slate-950 dark:text-slate-200">
                        {delivery.responseBody ?? delivery.error ?? "—"}
                      </pre>
                    </div>
                  </div>
                </details>
              </li>
            ))}
          </ul>
        )}
        {deliveries.hasNextPage ? (
          <div className="border-t border-slate-200 p-3 text-center dark:border-slate-800">
            <Button variant="ghost" loading={deliveries.isFetchingNextPage} onClick={() => void deliveries.fetchNextPage()}>
              Load older deliveries
            </Button>
          </div>
        ) : null}
      </Card>
      {editing ? (
        <WebhookForm
          webhook={webhook}
          onClose={() => setEditing(false)}
          onSaved={({ webhook: saved }) => {
            setEditing(false);
            queryClient.setQueryData(queryKeys.webhooks.detail(id), saved);
            void queryClient.invalidateQueries({ queryKey: queryKeys.webhooks.list() });
            toast({ title: "Webhook saved", tone: "success" });
            router.refresh();
          }}
        />
      ) : null}
    </div>
  );
}
