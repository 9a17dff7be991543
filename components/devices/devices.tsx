"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useCommands } from "@/components/commands/registry";
import { Button } from "@/components/ui/button";
import { CopyButton, SecretField } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog, FormDialog } from "@/components/ui/dialog";
import { Badge, Card, CardHeader, type Tone } from "@/components/ui/display";
import { Input } from "@/components/ui/field";
import { PlusIcon, SmartphoneIcon } from "@/components/ui/icons";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import { devicesQuery } from "@/components/devices/query";
import type { DeviceView } from "@/lib/devices/schemas";
import { queryKeys } from "@/lib/query-keys";

type Registered = { device: DeviceView; apiKey: { id: string; prefix: string }; key: string };

const STATUS_TONES: Record<DeviceView["status"], Tone> = { online: "success", stale: "warning", offline: "neutral" };

/** The forwarder apps of docs/forwarders.md and the ingest path each one posts to. */
export const FORWARDER_APPS = [
  { id: "smsgate", name: "SMSGate (capcom6)", path: "/api/v1/ingest/smsgate", steps: "In SMSGate, add a webhook for the sms:received event with this URL." },
  { id: "smsforwarder", name: "SmsForwarder (pppscn)", path: "/api/v1/ingest/smsforwarder", steps: "Add a Webhook sender, method POST, with this URL, and a rule that forwards SMS to it." },
  { id: "sms-to-url", name: "SMS to URL forwarder (bogkonstantin)", path: "/api/v1/ingest/sms-to-url", steps: "Create a forwarding rule with this URL and keep the app's default JSON template." },
  { id: "generic", name: "Anything else (Tasker, MacroDroid, scripts)", path: "/api/v1/ingest/generic", steps: "POST JSON with from, text and timestamp (or sender, body, receivedAt) to this URL." },
] as const;

export function DevicesManager({ initialDevices, publicUrl, timeZone }: { initialDevices: DeviceView[]; publicUrl: string | null; timeZone: string }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const query = useQuery({ ...devicesQuery(initialDevices), refetchInterval: 60_000 });
  const [adding, setAdding] = useState(false);
  const [registered, setRegistered] = useState<Registered | null>(null);
  const [renaming, setRenaming] = useState<DeviceView | null>(null);
  const [confirm, setConfirm] = useState<{ device: DeviceView; action: "revoke" | "delete" } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.devices.all() });
  const fail = (error: Error) => toast({ tone: "error", title: "That did not work", description: error.message });

  useCommands([{ id: "devices.add", label: "Add a device", group: "Devices", run: () => setAdding(true), keywords: ["register", "phone"] }]);

  const act = useMutation({
    mutationFn: async ({ device, action }: { device: DeviceView; action: "revoke" | "delete" }) =>
      action === "delete"
        ? apiFetch(`/api/v1/devices/${encodeURIComponent(device.id)}`, { method: "DELETE" })
        : apiFetch(`/api/v1/devices/${encodeURIComponent(device.id)}`, { method: "PATCH", body: { revoked: true } }),
    onSuccess: (_, { device, action }) => {
      toast({ tone: "success", title: action === "delete" ? `${device.name} deleted` : `${device.name} revoked` });
      setConfirm(null);
      void refresh();
    },
    onError: fail,
  });

  const devices = query.data;
  return (
    <Card>
      <CardHeader
        title="Devices"
        description="Phones and scripts that forward messages. Each has its own key."
        actions={
          <Button icon={<PlusIcon className="size-4" />} onClick={() => setAdding(true)}>
            Add device
          </Button>
        }
      />
      {query.isError ? (
        <ErrorState detail={query.error.message} onRetry={() => void query.refetch()} />
      ) : devices.length === 0 ? (
        <EmptyState icon={<SmartphoneIcon className="size-7" />} title="No devices yet" description="Add a device to get a key for its forwarder app." />
      ) : (
        <ul aria-label="Devices" className="divide-y divide-slate-100 dark:divide-slate-800">
          {devices.map((device) => (
            <li key={device.id} className="flex flex-col gap-3 px-4 py-4 sm:flex-row sm:items-start sm:justify-between sm:px-6">
              <div className="min-w-0 space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium text-slate-900 dark:text-slate-100">{device.name}</span>
                  {device.revokedAt ? <Badge tone="danger">revoked</Badge> : <Badge tone={STATUS_TONES[device.status]}>{device.status}</Badge>}
                  {device.platform || device.model || device.appVersion ? (
                    <span className="text-xs text-slate-500 dark:text-slate-400">{[device.platform, device.model, device.appVersion ? `app ${device.appVersion}` : null].filter(Boolean).join(" · ")}</span>
                  ) : null}
                </div>
                <p className="text-sm text-slate-600 dark:text-slate-400">
                  {device.messageCount} message{device.messageCount === 1 ? "" : "s"}
                  {device.unreadCount > 0 ? <span className="font-medium text-slate-900 dark:text-slate-100">{` · ${device.unreadCount} unread`}</span> : null}
                  {device.lastSeenAt ? (
                    <>
                      {" · seen "}
                      <RelativeTime value={device.lastSeenAt} timeZone={timeZone} />
                    </>
                  ) : " · never seen"}
                  {device.battery !== null ? ` · battery ${device.battery}%` : ""}
                </p>
                {device.lastMessage ? (
                  <p className="truncate text-sm text-slate-500 dark:text-slate-400">
                    Last: <span className="text-slate-700 dark:text-slate-300">{device.lastMessage.sender}</span> — {device.lastMessage.preview}
                  </p>
                ) : null}
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  Synced up to:{" "}
                  {device.sync.ackedAt ? (
                    <>
                      <RelativeTime value={device.sync.ackedAt} timeZone={timeZone} /> <span className="font-mono">({device.sync.cursor})</span>
                    </>
                  ) : (
                    "not synced"
                  )}
                </p>
              </div>
              <div className="flex shrink-0 flex-wrap gap-2">
                <Button size="sm" variant="secondary" onClick={() => setRenaming(device)}>
                  Rename
                </Button>
                {!device.revokedAt ? (
                  <Button size="sm" variant="secondary" onClick={() => setConfirm({ device, action: "revoke" })}>
                    Revoke
                  </Button>
                ) : null}
                <Button size="sm" variant="danger" onClick={() => setConfirm({ device, action: "delete" })}>
                  Delete
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}

      <AddDeviceDialog
        open={adding}
        onClose={() => setAdding(false)}
        onRegistered={(result) => {
          setAdding(false);
          setRegistered(result);
          void refresh();
        }}
      />
      {registered ? <DeviceKeyDialog registered={registered} publicUrl={publicUrl} onClose={() => setRegistered(null)} /> : null}
      {renaming ? <RenameDialog device={renaming} onClose={() => setRenaming(null)} onDone={() => void refresh()} /> : null}
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        onConfirm={() => confirm && act.mutate(confirm)}
        busy={act.isPending}
        title={confirm?.action === "delete" ? `Delete ${confirm.device.name}?` : `Revoke ${confirm?.device.name ?? ""}?`}
        description={
          confirm?.action === "delete"
            ? "The device and its key are removed. Its messages stay in your inbox."
            : "Its key stops working at once. To use the phone again, register it anew."
        }
        confirmLabel={confirm?.action === "delete" ? "Delete device" : "Revoke device"}
      />
    </Card>
  );
}

function AddDeviceDialog({ open, onClose, onRegistered }: { open: boolean; onClose: () => void; onRegistered: (result: Registered) => void }) {
  const [name, setName] = useState("");
  const [platform, setPlatform] = useState("android");
  const [secret, setSecret] = useState("");
  const register = useMutation({
    mutationFn: () => apiFetch<Registered>("/api/v1/devices/register", { body: { name, platform: platform || undefined, signingSecret: secret || undefined } }),
    onSuccess: (result) => {
      setName("");
      setSecret("");
      onRegistered(result);
    },
  });
  const error = register.error instanceof ApiError ? register.error : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate();
  };
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title="Add a device"
      description="The device gets its own key that can only forward and sync messages."
      formId="add-device-form"
      onSubmit={submit}
      submitLabel="Register device"
      pending={register.isPending}
      formError={error && !error.fieldError("name") && !error.fieldError("signingSecret") ? error.message : undefined}
      noValidate={false}
    >
      <Input label="Device name" value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} placeholder="Work phone" error={error?.fieldError("name")} />
      <Input label="Platform" value={platform} onChange={(event) => setPlatform(event.target.value)} maxLength={40} hint="android, ios, …" />
      <Input
        label="Signing secret (optional)"
        value={secret}
        onChange={(event) => setSecret(event.target.value)}
        hint="If the forwarder app signs its requests, paste its secret here."
        error={error?.fieldError("signingSecret")}
        autoComplete="off"
      />
    </FormDialog>
  );
}

/** The new key, once: copy buttons, a QR code with the server URL and key, and each app's URL. */
function DeviceKeyDialog({ registered, publicUrl, onClose }: { registered: Registered; publicUrl: string | null; onClose: () => void }) {
  const server = (publicUrl ?? (typeof window !== "undefined" ? window.location.origin : "")).replace(/\/$/, "");
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    // Loaded on demand: the QR encoder is only needed here.
    void import("qrcode").then((QRCode) =>
      QRCode.toDataURL(JSON.stringify({ server, key: registered.key }), { margin: 1, width: 240, errorCorrectionLevel: "M" }).then((url) => {
        if (!cancelled) setQr(url);
      }),
    );
    return () => {
      cancelled = true;
    };
  }, [server, registered.key]);
  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      title={`${registered.device.name} is registered`}
      description="Copy the key now: it is shown only this once."
      footer={<Button onClick={onClose}>Done</Button>}
    >
      <div className="space-y-5">
        <SecretField label="Device API key" value={registered.key} />
        <div className="flex flex-col items-center gap-2 sm:flex-row sm:items-start sm:gap-5">
          {qr ? (
            // eslint-disable-next-line @next/next/no-img-element -- a data: URL made in the browser; next/image has nothing to optimise
            <img src={qr} alt="QR code with the server URL and the device key" width={180} height={180} className="rounded-lg bg-white p-1" />
          ) : (
            <div className="size-[180px] animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800" aria-hidden="true" />
          )}
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Scan to copy the server address (<span className="font-mono text-xs">{server}</span>) and the key to the phone. The code holds{" "}
            <code className="font-mono text-xs">{'{"server", "key"}'}</code> as JSON.
          </p>
        </div>
        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Set up the forwarder app</h3>
          <ul className="space-y-3">
            {FORWARDER_APPS.map((app) => {
              const url = `${server}${app.path}?key=${registered.key}`;
              return (
                <li key={app.id} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
                  <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{app.name}</p>
                  <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">{app.steps}</p>
                  <div className="mt-2 flex items-center gap-2">
                    <code className="min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1 font-mono text-xs text-slate-800 dark:bg-slate-950 dark:text-slate-200">{url}</code>
                    <CopyButton value={url} label="Copy URL" size="sm" />
                  </div>
                </li>
              );
            })}
          </ul>
          <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
            Apps that can send headers (SmsForwarder, SMS to URL forwarder) should send <code className="font-mono">Authorization: Bearer &lt;key&gt;</code> and leave <code className="font-mono">?key=</code> out. See docs/forwarders.md.
          </p>
        </div>
      </div>
    </Dialog>
  );
}

function RenameDialog({ device, onClose, onDone }: { device: DeviceView; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState(device.name);
  const rename = useMutation({
    mutationFn: () => apiFetch(`/api/v1/devices/${encodeURIComponent(device.id)}`, { method: "PATCH", body: { name } }),
    onSuccess: () => {
      onDone();
      onClose();
    },
  });
  const error = rename.error instanceof ApiError ? rename.error : null;
  return (
    <FormDialog
      open
      onClose={onClose}
      title={`Rename ${device.name}`}
      formId="rename-device-form"
      onSubmit={(event) => {
        event.preventDefault();
        rename.mutate();
      }}
      submitLabel="Save"
      pending={rename.isPending}
      formClassName=""
      noValidate={false}
    >
      <Input label="Device name" value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} error={error?.fieldError("name") ?? error?.message} />
    </FormDialog>
  );
}
