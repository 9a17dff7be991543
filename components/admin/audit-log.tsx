"use client";

import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { AUDIT_ACTIONS, type AuditAction } from "@/lib/audit/actions";
import type { AuditEvent } from "@/lib/audit/schemas";
import { Button } from "@/components/ui/button";
import { Badge, Card, type Tone } from "@/components/ui/display";
import { Input, Select } from "@/components/ui/field";
import { ShieldIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { apiFetch } from "@/lib/http/api-client";
import type { Page } from "@/lib/http/pagination";
import { queryKeys } from "@/lib/query-keys";

type Filters = { action?: string; actor?: string; since?: string; until?: string };

function actionTone(action: AuditAction): Tone {
  if (action === "auth.sign_in_failed" || action === "user.deactivated" || action === "totp.disabled") return "danger";
  if (action.endsWith("revoked") || action === "user.role_changed") return "warning";
  if (action === "auth.sign_in" || action === "invite.accepted" || action === "totp.enabled") return "success";
  return "neutral";
}

/** A yyyy-mm-dd from a date input, as the start (or end) of that day in this browser's zone. */
function dayBoundary(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year!, month! - 1, date!, end ? 23 : 0, end ? 59 : 0, end ? 59 : 0, end ? 999 : 0).toISOString();
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** Admin → Audit log: newest first, filtered by action, actor and a date range, one page at a time. */
export function AuditLog({ initialPage, actors }: { initialPage: Page<AuditEvent>; actors: { id: string; label: string }[] }) {
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const filters: Filters = { action: action || undefined, actor: actor || undefined, since: dayBoundary(since, false), until: dayBoundary(until, true) };
  const unfiltered = !action && !actor && !since && !until;

  const events = useInfiniteQuery({
    queryKey: queryKeys.admin.audit(filters),
    queryFn: ({ pageParam }) => {
      const search = new URLSearchParams({ limit: "50" });
      for (const [key, value] of Object.entries(filters)) if (value) search.set(key, value);
      if (pageParam) search.set("cursor", pageParam);
      return apiFetch<Page<AuditEvent>>(`/api/v1/admin/audit?${search}`);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? (last.nextCursor ?? undefined) : undefined),
    initialData: unfiltered ? { pages: [initialPage], pageParams: [undefined] } : undefined,
    staleTime: 5_000,
  });
  const rows = events.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <Card>
      <div className="grid grid-cols-2 gap-3 border-b border-slate-200 p-4 lg:grid-cols-4 dark:border-slate-800">
        <Select label="Action" value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </Select>
        <Select label="Actor" value={actor} onChange={(e) => setActor(e.target.value)}>
          <option value="">Anyone</option>
          {actors.map((person) => (
            <option key={person.id} value={person.id}>
              {person.label}
            </option>
          ))}
        </Select>
        <Input label="From" type="date" value={since} max={until || undefined} onChange={(e) => setSince(e.target.value)} />
        <Input label="To" type="date" value={until} min={since || undefined} onChange={(e) => setUntil(e.target.value)} />
      </div>
      {events.isPending ? (
        <SkeletonList rows={5} label="Loading the audit log" />
      ) : events.isError ? (
        <ErrorState title="Could not load the audit log" detail={events.error.message} onRetry={() => void events.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={<ShieldIcon className="size-7" />} title="No events match" description="Widen the date range or clear a filter." />
      ) : (
        // On a phone each row becomes a block with labelled cells, so nothing scrolls sideways.
        <table className="w-full text-left text-sm max-md:block">
          <caption className="sr-only">Audit log, newest first</caption>
          <thead className="border-b border-slate-200 text-xs font-medium tracking-wide text-slate-500 uppercase max-md:sr-only dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-5 py-2.5">
                When
              </th>
              <th scope="col" className="px-3 py-2.5">
                Action
              </th>
              <th scope="col" className="px-3 py-2.5">
                Actor
              </th>
              <th scope="col" className="px-3 py-2.5">
                Target
              </th>
              <th scope="col" className="px-5 py-2.5">
                From
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 max-md:block dark:divide-slate-800">
            {rows.map((event) => (
              <tr key={event.id} className="align-top max-md:flex max-md:flex-wrap max-md:gap-x-3 max-md:gap-y-1 max-md:px-4 max-md:py-3">
                <td className="px-5 py-3 text-slate-600 tabular-nums max-md:order-2 max-md:p-0 max-md:text-xs dark:text-slate-400">
                  <time dateTime={event.createdAt}>{dateTime.format(new Date(event.createdAt))}</time>
                </td>
                <td className="px-3 py-3 max-md:order-1 max-md:w-full max-md:p-0">
                  <Badge tone={actionTone(event.action)} className="font-mono">
                    {event.action}
                  </Badge>
                </td>
                <td className="px-3 py-3 text-slate-900 max-md:order-3 max-md:w-full max-md:p-0 dark:text-slate-100">
                  {event.actor ? (
                    <>
                      <span className="font-medium">{event.actor.name ?? event.actor.id}</span>
                      {event.actor.email ? <span className="block text-xs text-slate-500 max-md:inline max-md:pl-1 dark:text-slate-400">{event.actor.email}</span> : null}
                    </>
                  ) : (
                    <span className="text-slate-500 dark:text-slate-400">{typeof event.metadata.email === "string" ? event.metadata.email : "—"}</span>
                  )}
                </td>
                <td className="max-w-48 px-3 py-3 font-mono text-xs break-all text-slate-600 max-md:order-4 max-md:p-0 dark:text-slate-400">
                  {event.target ? `${event.target.type} ${event.target.id ?? ""}` : "—"}
                </td>
                <td className="px-3 py-3 text-xs text-slate-600 max-md:order-5 max-md:w-full max-md:p-0 dark:text-slate-400">
                  <span className="font-mono">{event.ip ?? "—"}</span>
                  <details className="mt-1">
                    <summary className="cursor-pointer text-brand-700 select-none hover:underline dark:text-brand-300">Details</summary>
                    <dl className="mt-1 space-y-1 break-all">
                      {event.userAgent ? (
                        <div>
                          <dt className="inline font-medium">User agent: </dt>
                          <dd className="inline">{event.userAgent}</dd>
                        </div>
                      ) : null}
                      {event.requestId ? (
                        <div>
                          <dt className="inline font-medium">Request: </dt>
                          <dd className="inline font-mono">{event.requestId}</dd>
                        </div>
                      ) : null}
                      {Object.keys(event.metadata).length ? <pre className="font-mono whitespace-pre-wrap">{JSON.stringify(event.metadata, null, 2)}</pre> : null}
                    </dl>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.hasNextPage ? (
        <div className="border-t border-slate-200 p-3 text-center dark:border-slate-800">
          <Button variant="ghost" loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
            Load older events
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
