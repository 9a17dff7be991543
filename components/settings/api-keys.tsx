"use client";

import { useEffect, useState, type FormEvent } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { SCOPES, type Scope } from "@/lib/auth/actor";
import type { ApiKeyView } from "@/lib/auth/api-keys";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";
import { Button } from "@/components/ui/button";
import { SecretField } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog, FormDialog } from "@/components/ui/dialog";
import { Badge, Card, CardHeader } from "@/components/ui/display";
import { Checkbox, Input, Select } from "@/components/ui/field";
import { KeyIcon, PlusIcon, RotateIcon, SmartphoneIcon, TrashIcon } from "@/components/ui/icons";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  "messages:read": "Read and sync the inbox",
  "messages:write": "Send messages in, mark read, tag and delete",
  "devices:write": "Register and manage devices",
  "rooms:read": "Read incident rooms",
  "rooms:write": "Open rooms and post in them",
  "tasks:read": "Read tasks",
  "tasks:write": "Create, change and complete tasks",
  "webhooks:read": "Read webhooks and their deliveries",
  "webhooks:write": "Register, change and redeliver webhooks",
  admin: "Administer the hub (users, analytics, every scope)",
};

type Secret = { title: string; name: string; key: string };

async function listKeys(): Promise<ApiKeyView[]> {
  return (await apiFetch<{ data: ApiKeyView[] }>("/api/v1/api-keys")).data;
}

/**
 * The API keys page: list, create (scopes and an optional expiry), rotate and
 * revoke, against /api/v1/api-keys. A new or rotated secret is shown once, in
 * a dialog with a copy button; it never goes into the query cache.
 */
export function ApiKeysManager({ initialKeys, role }: { initialKeys: ApiKeyView[]; role: "admin" | "member" }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  // The command palette's "Create an API key" lands here with ?create=1.
  const [creating, setCreating] = useState(() => params.get("create") === "1");
  const [now] = useState(Date.now);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const [rotating, setRotating] = useState<ApiKeyView | null>(null);

  const keys = useQuery({ queryKey: queryKeys.apiKeys.list(), queryFn: listKeys, initialData: initialKeys, staleTime: 10_000 });

  useEffect(() => {
    if (params.get("create") === "1") router.replace(pathname, { scroll: false });
  }, [params, pathname, router]);

  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys.all() });

  const revoke = useMutation({
    mutationFn: (key: ApiKeyView) => apiFetch<{ apiKey: ApiKeyView }>(`/api/v1/api-keys/${encodeURIComponent(key.id)}`, { method: "DELETE" }),
    onSuccess: ({ apiKey }) => {
      setRevoking(null);
      toast({ title: "Key revoked", description: `“${apiKey.name}” stopped working.`, tone: "success" });
      void invalidate();
    },
    onError: (error) => toast({ title: "Could not revoke the key", description: error.message, tone: "error" }),
  });

  const rotate = useMutation({
    mutationFn: (key: ApiKeyView) => apiFetch<{ apiKey: ApiKeyView; key: string }>(`/api/v1/api-keys/${encodeURIComponent(key.id)}/rotate`, { method: "POST" }),
    onSuccess: ({ apiKey, key }) => {
      setRotating(null);
      setSecret({ title: "Key rotated", name: apiKey.name, key });
      void invalidate();
    },
    onError: (error) => toast({ title: "Could not rotate the key", description: error.message, tone: "error" }),
  });

  const list = keys.data;
  return (
    <Card>
      <CardHeader
        title="API keys"
        description="Devices, the message-hub CLI and your scripts authenticate with these. Give each one only the scopes it needs."
        actions={
          <Button icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
            Create key
          </Button>
        }
      />
      {keys.isError && !list ? (
        <ErrorState title="Could not load your keys" detail={keys.error.message} onRetry={() => void keys.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState
          icon={<KeyIcon className="size-7" />}
          title="No API keys"
          description="Create a key for each device, script or integration, so you can revoke one without touching the others."
          action={
            <Button icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
              Create key
            </Button>
          }
        />
      ) : (
        <ul aria-label="API keys" className="divide-y divide-slate-200 dark:divide-slate-800">
          {list.map((key) => (
            <KeyRow key={key.id} apiKey={key} now={now} onRevoke={() => setRevoking(key)} onRotate={() => setRotating(key)} />
          ))}
        </ul>
      )}

      <CreateKeyDialog
        open={creating}
        role={role}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret({ title: "Key created", name: created.apiKey.name, key: created.key });
          void invalidate();
        }}
      />

      <Dialog
        open={secret !== null}
        onClose={() => setSecret(null)}
        title={secret?.title ?? ""}
        description="Copy the key now and store it somewhere safe. It is shown only once: after you close this, nobody can see it again, including you."
        footer={<Button onClick={() => setSecret(null)}>Done</Button>}
      >
        {secret ? <SecretField label={`Secret for “${secret.name}”`} value={secret.key} /> : null}
      </Dialog>

      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        busy={revoke.isPending}
        title="Revoke this key?"
        description={
          <p>
            “{revoking?.name}” (<span className="font-mono">{revoking?.prefix}</span>) stops working at once. Anything using it will get 401 until you give it a new key.
          </p>
        }
        confirmLabel="Revoke key"
      />

      <ConfirmDialog
        open={rotating !== null}
        onClose={() => setRotating(null)}
        onConfirm={() => rotating && rotate.mutate(rotating)}
        busy={rotate.isPending}
        tone="primary"
        title="Rotate this key?"
        description={
          <p>
            “{rotating?.name}” gets a new secret with the same scopes and expiry. The current secret stops working at once, so update whatever uses it.
          </p>
        }
        confirmLabel="Rotate key"
      />
    </Card>
  );
}

function KeyRow({ apiKey, now, onRevoke, onRotate }: { apiKey: ApiKeyView; now: number; onRevoke: () => void; onRotate: () => void }) {
  const expired = apiKey.expiresAt !== null && new Date(apiKey.expiresAt).getTime() <= now;
  return (
    <li className="flex flex-col gap-3 px-4 py-4 sm:flex-row sm:items-start sm:px-5" aria-label={apiKey.name}>
      <div className="flex min-w-0 flex-1 gap-3">
        <span className="mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-lg bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">
          {apiKey.deviceId ? <SmartphoneIcon className="size-5" /> : <KeyIcon className="size-5" />}
        </span>
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium break-all text-slate-900 dark:text-slate-100">{apiKey.name}</span>
            {apiKey.deviceId ? <Badge tone="brand">Device</Badge> : null}
            {expired ? <Badge tone="danger">Expired</Badge> : null}
          </div>
          <p className="mt-0.5 font-mono text-xs text-slate-500 dark:text-slate-400">{apiKey.prefix}_…</p>
          <div className="mt-2 flex flex-wrap gap-1" aria-label="Scopes">
            {apiKey.scopes.map((scope) => (
              <Badge key={scope} tone={scope === "admin" ? "warning" : "neutral"}>
                {scope}
              </Badge>
            ))}
          </div>
          <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
            Created <RelativeTime value={apiKey.createdAt} /> · {apiKey.lastUsedAt ? <>Last used <RelativeTime value={apiKey.lastUsedAt} /></> : "Never used"} ·{" "}
            {apiKey.expiresAt ? (
              <>
                {expired ? "Expired" : "Expires"} <RelativeTime value={apiKey.expiresAt} />
              </>
            ) : (
              "Never expires"
            )}
          </p>
        </div>
      </div>
      <div className="flex shrink-0 gap-2 pl-12 sm:pl-0">
        <Button variant="secondary" size="sm" icon={<RotateIcon className="size-4" />} onClick={onRotate} aria-label={`Rotate ${apiKey.name}`}>
          Rotate
        </Button>
        <Button variant="secondary" size="sm" icon={<TrashIcon className="size-4" />} onClick={onRevoke} aria-label={`Revoke ${apiKey.name}`}>
          Revoke
        </Button>
      </div>
    </li>
  );
}

const EXPIRY_OPTIONS = [
  { value: "never", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
  { value: "custom", label: "On a date…" },
] as const;

function expiryDate(choice: string, custom: string): Date | null {
  if (choice === "never") return null;
  if (choice === "custom") {
    if (!custom) return null;
    // The end of the chosen day, in this browser's time zone.
    const [year, month, day] = custom.split("-").map(Number);
    return new Date(year!, month! - 1, day!, 23, 59, 59);
  }
  return new Date(Date.now() + Number(choice) * 24 * 3600 * 1000);
}

function CreateKeyDialog({ open, role, onClose, onCreated }: { open: boolean; role: "admin" | "member"; onClose: () => void; onCreated: (created: { apiKey: ApiKeyView; key: string }) => void }) {
  return open ? <CreateKeyForm role={role} onClose={onClose} onCreated={onCreated} /> : null;
}

function CreateKeyForm({ role, onClose, onCreated }: { role: "admin" | "member"; onClose: () => void; onCreated: (created: { apiKey: ApiKeyView; key: string }) => void }) {
  const available = SCOPES.filter((scope) => scope !== "admin" || role === "admin");
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [expiry, setExpiry] = useState("never");
  const [customDate, setCustomDate] = useState("");
  const [errors, setErrors] = useState<{ name?: string; scopes?: string; expiresAt?: string; form?: string }>({});

  const create = useMutation({
    mutationFn: (body: { name: string; scopes: Scope[]; expiresAt?: string }) => apiFetch<{ apiKey: ApiKeyView; key: string }>("/api/v1/api-keys", { body }),
    onSuccess: onCreated,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 422) {
        setErrors({ name: error.fieldError("name"), scopes: error.fieldError("scopes") ?? error.errors.find((e) => e.path.includes("scopes"))?.message, expiresAt: error.fieldError("expiresAt") });
      } else {
        setErrors({ form: error.message });
      }
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const expiresAt = expiryDate(expiry, customDate);
    const local = {
      name: name.trim() ? undefined : "Give the key a name, such as the device or script that will use it",
      scopes: scopes.length ? undefined : "Choose at least one scope",
      expiresAt: expiry === "custom" && (!expiresAt || expiresAt.getTime() <= Date.now()) ? "Choose a date in the future" : undefined,
    };
    setErrors(local);
    if (local.name || local.scopes || local.expiresAt) return;
    create.mutate({ name: name.trim(), scopes, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) });
  };

  const toggle = (scope: Scope, on: boolean) => setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  const [tomorrow] = useState(() => new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10));
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Create an API key"
      description="The key can do only what its scopes allow, and only what you can do yourself."
      formId="create-api-key"
      onSubmit={onSubmit}
      submitLabel="Create key"
      pending={create.isPending}
      formError={errors.form}
      formClassName="space-y-5"
    >
      <Input label="Name" autoFocus maxLength={100} placeholder="e.g. Pixel forwarder, backup script" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
      <fieldset aria-describedby={errors.scopes ? "scopes-error" : undefined}>
        <div className="mb-2 flex items-center justify-between">
          <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Scopes</legend>
          <button type="button" className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300" onClick={() => setScopes(scopes.length === available.length ? [] : [...available])}>
            {scopes.length === available.length ? "Clear all" : "Select all"}
          </button>
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          {available.map((scope) => (
            <Checkbox key={scope} label={<span className="font-mono text-[13px]">{scope}</span>} description={SCOPE_DESCRIPTIONS[scope]} checked={scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
          ))}
        </div>
        {errors.scopes ? (
          <p id="scopes-error" className="mt-2 text-xs font-medium text-red-600 dark:text-red-400">
            {errors.scopes}
          </p>
        ) : null}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <Select label="Expires" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRY_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </Select>
        {expiry === "custom" ? <Input label="Expiry date" type="date" min={tomorrow} value={customDate} onChange={(e) => setCustomDate(e.target.value)} error={errors.expiresAt} /> : null}
      </div>
      {expiry !== "custom" && errors.expiresAt ? <p className="text-xs font-medium text-red-600 dark:text-red-400">{errors.expiresAt}</p> : null}
    </FormDialog>
  );
}
