"use client";

import { useEffect, useState, type FormEvent } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { SecretField } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog, FormDialog } from "@/components/ui/dialog";
import { Badge, Card, CardHeader, type Tone } from "@/components/ui/display";
import { Input, Select } from "@/components/ui/field";
import { PlusIcon, UserIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import type { Page } from "@/lib/http/pagination";
import { queryKeys } from "@/lib/query-keys";
import type { InviteStatus, InviteView } from "@/lib/users/schemas";

const STATUS_TONE: Record<InviteStatus, Tone> = { pending: "brand", accepted: "success", revoked: "neutral", expired: "warning" };

/** Admin → Invites: create (the single-use link is shown once), list by status, revoke. */
export function InvitesAdmin({ initialPage }: { initialPage: Page<InviteView> }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [creating, setCreating] = useState(() => params.get("create") === "1");
  const [status, setStatus] = useState("");
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const [revoking, setRevoking] = useState<InviteView | null>(null);

  useEffect(() => {
    if (params.get("create") === "1") router.replace(pathname, { scroll: false });
  }, [params, pathname, router]);

  const filters = { status: status || undefined };
  const invites = useInfiniteQuery({
    queryKey: queryKeys.admin.invites(filters),
    queryFn: ({ pageParam }) => {
      const search = new URLSearchParams({ limit: "50" });
      if (filters.status) search.set("status", filters.status);
      if (pageParam) search.set("cursor", pageParam);
      return apiFetch<Page<InviteView>>(`/api/v1/admin/invites?${search}`);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? (last.nextCursor ?? undefined) : undefined),
    initialData: filters.status ? undefined : { pages: [initialPage], pageParams: [undefined] },
    staleTime: 5_000,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.admin.invitesAll() });

  const revoke = useMutation({
    mutationFn: (invite: InviteView) => apiFetch<{ invite: InviteView }>(`/api/v1/admin/invites/${encodeURIComponent(invite.id)}`, { method: "DELETE" }),
    onSuccess: ({ invite }) => {
      setRevoking(null);
      toast({ title: "Invite revoked", description: `The link for ${invite.email} stopped working.`, tone: "success" });
      void invalidate();
    },
    onError: (error) => toast({ title: "Could not revoke the invite", description: error.message, tone: "error" }),
  });

  const rows = invites.data?.pages.flatMap((page) => page.data) ?? [];
  const newInvite = (
    <Button icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
      Invite user
    </Button>
  );
  return (
    <Card>
      <CardHeader title="Invites" description="An invite is a single-use link that expires. Send it to the person yourself; the hub sends no email." actions={newInvite} />
      <div className="border-b border-slate-200 px-4 pb-4 sm:px-5 dark:border-slate-800">
        <Select label="Status" className="sm:w-48" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <option value="pending">Pending</option>
          <option value="accepted">Accepted</option>
          <option value="revoked">Revoked</option>
          <option value="expired">Expired</option>
        </Select>
      </div>
      {invites.isPending ? (
        <SkeletonList rows={3} label="Loading invites" />
      ) : invites.isError ? (
        <ErrorState title="Could not load invites" detail={invites.error.message} onRetry={() => void invites.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={<UserIcon className="size-7" />} title={status ? "No invites with this status" : "No invites yet"} description="Invite someone to give them an account on this hub." action={status ? undefined : newInvite} />
      ) : (
        <ul aria-label="Invites" className="divide-y divide-slate-200 dark:divide-slate-800">
          {rows.map((invite) => (
            <li key={invite.id} aria-label={invite.email} className="flex flex-col gap-2 px-4 py-4 sm:flex-row sm:items-center sm:px-5">
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium break-all text-slate-900 dark:text-slate-100">{invite.email}</span>
                  <Badge tone={STATUS_TONE[invite.status]}>{invite.status}</Badge>
                  <Badge tone={invite.role === "admin" ? "warning" : "neutral"}>{invite.role}</Badge>
                </div>
                <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
                  Sent <RelativeTime value={invite.createdAt} /> ·{" "}
                  {invite.status === "accepted" && invite.acceptedAt ? (
                    <>
                      Accepted <RelativeTime value={invite.acceptedAt} />
                    </>
                  ) : invite.status === "revoked" ? (
                    "Revoked"
                  ) : (
                    <>
                      {invite.status === "expired" ? "Expired" : "Expires"} <RelativeTime value={invite.expiresAt} />
                    </>
                  )}
                </p>
              </div>
              {invite.status === "pending" ? (
                <Button variant="secondary" size="sm" onClick={() => setRevoking(invite)} aria-label={`Revoke invite for ${invite.email}`}>
                  Revoke
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {invites.hasNextPage ? (
        <div className="border-t border-slate-200 p-3 text-center dark:border-slate-800">
          <Button variant="ghost" loading={invites.isFetchingNextPage} onClick={() => void invites.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}

      {creating ? (
        <CreateInviteDialog
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            setLink({ email: created.invite.email, url: created.url });
            void invalidate();
          }}
        />
      ) : null}

      <Dialog
        open={link !== null}
        onClose={() => setLink(null)}
        title="Invite created"
        description="Send this link to the person. It works once and is shown only now: after you close this, create a new invite if it is lost."
        footer={<Button onClick={() => setLink(null)}>Done</Button>}
      >
        {link ? <SecretField label={`Invite link for ${link.email}`} value={link.url} /> : null}
      </Dialog>

      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        busy={revoke.isPending}
        title="Revoke this invite?"
        description={<p>The link sent to {revoking?.email} stops working at once.</p>}
        confirmLabel="Revoke invite"
      />
    </Card>
  );
}

function CreateInviteDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (created: { invite: InviteView; url: string }) => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"member" | "admin">("member");
  const [errors, setErrors] = useState<{ email?: string; form?: string }>({});
  const create = useMutation({
    mutationFn: () => apiFetch<{ invite: InviteView; url: string }>("/api/v1/admin/invites", { body: { email: email.trim(), role } }),
    onSuccess: onCreated,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 422) setErrors({ email: error.fieldError("email") ?? error.message });
      else setErrors({ form: error.message });
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local = { email: /^\S+@\S+\.\S+$/.test(email.trim()) ? undefined : "Enter an email address" };
    setErrors(local);
    if (!local.email) create.mutate();
  };
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Invite a user"
      description="They choose their own name and password when they open the link."
      formId="create-invite"
      onSubmit={onSubmit}
      submitLabel="Create invite"
      pending={create.isPending}
      formError={errors.form}
    >
      <Input label="Email" type="email" autoFocus inputMode="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
      <Select label="Role" value={role} onChange={(e) => setRole(e.target.value as "member" | "admin")} hint="Admins manage users, invites and see the audit log.">
        <option value="member">Member</option>
        <option value="admin">Admin</option>
      </Select>
    </FormDialog>
  );
}
