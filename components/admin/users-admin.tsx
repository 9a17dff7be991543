"use client";

import { useState } from "react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useCommands } from "@/components/commands/registry";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Avatar, Badge, Card } from "@/components/ui/display";
import { Input, Select } from "@/components/ui/field";
import { UserIcon } from "@/components/ui/icons";
import { SkeletonList } from "@/components/ui/spinner";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { apiFetch } from "@/lib/http/api-client";
import type { Page } from "@/lib/http/pagination";
import { queryKeys } from "@/lib/query-keys";
import type { PublicUser } from "@/lib/users/schemas";

type Filters = { q?: string; role?: string; status?: string };
type Pending = { user: PublicUser; change: "deactivate" | "reactivate" | "resetTwoFactor" | "role"; role?: "admin" | "member" };

function usersUrl(filters: Filters, cursor: string | undefined): string {
  const params = new URLSearchParams({ limit: "50" });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (cursor) params.set("cursor", cursor);
  return `/api/v1/admin/users?${params}`;
}

const isDefault = (filters: Filters) => !filters.q && !filters.role && !filters.status;

/** Admin → Users: every account, filtered; change a role, deactivate or reactivate, reset two-factor. */
export function UsersAdmin({ initialPage, currentUserId }: { initialPage: Page<PublicUser>; currentUserId: string }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [q, setQ] = useState("");
  const [role, setRole] = useState("");
  const [status, setStatus] = useState("");
  const filters: Filters = { q: q.trim() || undefined, role: role || undefined, status: status || undefined };
  const [pending, setPending] = useState<Pending | null>(null);

  const users = useInfiniteQuery({
    queryKey: queryKeys.admin.users(filters),
    queryFn: ({ pageParam }) => apiFetch<Page<PublicUser>>(usersUrl(filters, pageParam)),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? (last.nextCursor ?? undefined) : undefined),
    initialData: isDefault(filters) ? { pages: [initialPage], pageParams: [undefined] } : undefined,
    staleTime: 5_000,
  });

  useCommands([{ id: "admin.invite", label: "Invite a user", group: "Admin", href: "/admin/invites?create=1", keywords: ["member", "add user"] }]);

  const update = useMutation({
    mutationFn: ({ user, change, role: newRole }: Pending) =>
      apiFetch<{ user: PublicUser }>(`/api/v1/admin/users/${encodeURIComponent(user.id)}`, {
        method: "PATCH",
        body: change === "role" ? { role: newRole } : change === "resetTwoFactor" ? { resetTwoFactor: true } : { active: change === "reactivate" },
      }),
    onSuccess: ({ user }, { change }) => {
      setPending(null);
      const what = { deactivate: "User deactivated", reactivate: "User reactivated", resetTwoFactor: "Two-factor turned off", role: "Role changed" }[change];
      toast({ title: what, description: user.email, tone: "success" });
      void queryClient.invalidateQueries({ queryKey: queryKeys.admin.usersAll() });
    },
    onError: (error) => {
      setPending(null);
      toast({ title: "Could not change the user", description: error.message, tone: "error" });
    },
  });

  const rows = users.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <Card>
      <div className="grid grid-cols-2 gap-3 border-b border-slate-200 p-4 sm:grid-cols-[1fr_10rem_10rem] dark:border-slate-800">
        <div className="col-span-2 sm:col-span-1">
          <Input label="Search users" type="search" placeholder="Name or email" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <Select label="Role" value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">Any role</option>
          <option value="admin">Admin</option>
          <option value="member">Member</option>
        </Select>
        <Select label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="deactivated">Deactivated</option>
        </Select>
      </div>
      {users.isPending ? (
        <SkeletonList rows={4} label="Loading users" />
      ) : users.isError ? (
        <ErrorState title="Could not load users" detail={users.error.message} onRetry={() => void users.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={<UserIcon className="size-7" />} title="No users match" description="Change the search or the filters." />
      ) : (
        <ul aria-label="Users" className="divide-y divide-slate-200 dark:divide-slate-800">
          {rows.map((user) => (
            <li key={user.id} aria-label={user.email} className="flex flex-col gap-3 px-4 py-4 sm:flex-row sm:items-center sm:px-5">
              <div className="flex min-w-0 flex-1 items-center gap-3">
                <Avatar name={user.name} />
                <div className="min-w-0">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium text-slate-900 dark:text-slate-100">{user.name}</span>
                    {user.id === currentUserId ? <Badge tone="brand">You</Badge> : null}
                    {user.deactivatedAt ? <Badge tone="danger">Deactivated</Badge> : null}
                    {user.totpEnabled ? <Badge tone="success">2FA</Badge> : null}
                  </div>
                  <p className="truncate text-sm text-slate-600 dark:text-slate-400">{user.email}</p>
                  <p className="text-xs text-slate-500 dark:text-slate-400">
                    Joined <RelativeTime value={user.createdAt} />
                  </p>
                </div>
              </div>
              <div className="flex flex-wrap items-end gap-2 pl-12 sm:pl-0">
                <Select
                  label={`Role of ${user.email}`}
                  hideLabel
                  className="w-32"
                  value={user.role}
                  disabled={update.isPending}
                  onChange={(e) => setPending({ user, change: "role", role: e.target.value as "admin" | "member" })}
                >
                  <option value="admin">Admin</option>
                  <option value="member">Member</option>
                </Select>
                {/* Your own goes through Security, with your password or a code. */}
                {user.totpEnabled && user.id !== currentUserId ? (
                  <Button variant="secondary" size="sm" onClick={() => setPending({ user, change: "resetTwoFactor" })} aria-label={`Reset two-factor for ${user.email}`}>
                    Reset 2FA
                  </Button>
                ) : null}
                {user.deactivatedAt ? (
                  <Button variant="secondary" size="sm" onClick={() => setPending({ user, change: "reactivate" })} aria-label={`Reactivate ${user.email}`}>
                    Reactivate
                  </Button>
                ) : (
                  <Button variant="secondary" size="sm" disabled={user.id === currentUserId} onClick={() => setPending({ user, change: "deactivate" })} aria-label={`Deactivate ${user.email}`}>
                    Deactivate
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {users.hasNextPage ? (
        <div className="border-t border-slate-200 p-3 text-center dark:border-slate-800">
          <Button variant="ghost" loading={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}
      <ConfirmDialog
        open={pending !== null}
        onClose={() => setPending(null)}
        onConfirm={() => pending && update.mutate(pending)}
        busy={update.isPending}
        tone={pending?.change === "deactivate" || pending?.change === "resetTwoFactor" ? "danger" : "primary"}
        title={
          pending?.change === "deactivate"
            ? "Deactivate this user?"
            : pending?.change === "reactivate"
              ? "Reactivate this user?"
              : pending?.change === "resetTwoFactor"
                ? "Turn off two-factor?"
                : "Change this user's role?"
        }
        description={
          <p>
            {pending?.change === "deactivate"
              ? `${pending.user.email} is signed out everywhere at once; their API keys and live connections stop working until you reactivate them.`
              : pending?.change === "reactivate"
                ? `${pending?.user.email} can sign in again and their API keys work again.`
                : pending?.change === "resetTwoFactor"
                  ? `${pending.user.email} signs in with the password alone until they enrol again. Do this only when you are sure who asked.`
                  : `${pending?.user.email} becomes ${pending?.role === "admin" ? "an admin, with access to every user, invite and the audit log" : "a member and loses the admin pages"}.`}
          </p>
        }
        confirmLabel={
          pending?.change === "deactivate" ? "Deactivate" : pending?.change === "reactivate" ? "Reactivate" : pending?.change === "resetTwoFactor" ? "Turn off two-factor" : "Change role"
        }
      />
    </Card>
  );
}
