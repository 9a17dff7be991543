"use client";

import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCommands } from "@/components/commands/registry";
import { PasswordInput } from "@/components/auth/password-input";
import { useSignOut } from "@/components/shell/use-sign-out";
import { Button } from "@/components/ui/button";
import { CopyButton, SecretField } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog, FormDialog } from "@/components/ui/dialog";
import { Badge, Card, CardHeader } from "@/components/ui/display";
import { Input } from "@/components/ui/field";
import { DownloadIcon, LogOutIcon, RotateIcon, ShieldIcon } from "@/components/ui/icons";
import { useToast } from "@/components/ui/toast";
import type { TotpStatus } from "@/lib/auth/totp";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";

type Enrolment = { secret: string; otpauthUri: string; qrDataUrl: string };

/** Settings → Security: two-factor sign-in (enrol, backup codes, turn off) and signing out everywhere. */
export function SecuritySettings({ initialStatus }: { initialStatus: TotpStatus }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const signOut = useSignOut();
  const status = useQuery({ queryKey: queryKeys.totp.status(), queryFn: () => apiFetch<TotpStatus>("/api/v1/me/totp"), initialData: initialStatus, staleTime: 10_000 });
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [proofFor, setProofFor] = useState<"disable" | "regenerate" | null>(null);
  const [signingOutEverywhere, setSigningOutEverywhere] = useState(false);
  const [signOutBusy, setSignOutBusy] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.totp.status() });

  const start = useMutation({
    mutationFn: () => apiFetch<Enrolment>("/api/v1/me/totp", { method: "POST" }),
    onSuccess: setEnrolment,
    onError: (error) => toast({ title: "Could not start two-factor setup", description: error.message, tone: "error" }),
  });

  useCommands([
    { id: "security.sign-out-everywhere", label: "Sign out everywhere", group: "Account", keywords: ["sessions", "security"], run: () => setSigningOutEverywhere(true) },
    ...(status.data.enabled ? [] : [{ id: "security.enable-2fa", label: "Turn on two-factor sign-in", group: "Account", keywords: ["totp", "2fa", "authenticator"], run: () => start.mutate() }]),
  ]);

  const { enabled, backupCodesRemaining } = status.data;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title={
            <span className="flex items-center gap-2">
              Two-factor sign-in {enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
            </span>
          }
          description="Ask for a code from an authenticator app (1Password, Google Authenticator, Aegis…) after the password."
        />
        <div className="space-y-4 px-4 pb-5 sm:px-5">
          {enabled ? (
            <>
              <p className="text-sm text-slate-700 dark:text-slate-300">
                {backupCodesRemaining} of 10 backup codes left. Each works once, for when your phone is not at hand.
                {backupCodesRemaining <= 3 ? <strong className="font-medium text-amber-700 dark:text-amber-300"> Make new ones soon.</strong> : null}
              </p>
              <div className="flex flex-wrap gap-2">
                <Button variant="secondary" icon={<RotateIcon className="size-4" />} onClick={() => setProofFor("regenerate")}>
                  New backup codes
                </Button>
                <Button variant="danger" onClick={() => setProofFor("disable")}>
                  Turn off two-factor
                </Button>
              </div>
            </>
          ) : (
            <Button icon={<ShieldIcon className="size-4" />} loading={start.isPending} onClick={() => start.mutate()}>
              Set up two-factor
            </Button>
          )}
        </div>
      </Card>

      <Card>
        <CardHeader title="Sessions" description="Signed in on a computer you no longer have? End every browser session of your account, this one included. API keys keep working." />
        <div className="px-4 pb-5 sm:px-5">
          <Button variant="secondary" icon={<LogOutIcon className="size-4" />} onClick={() => setSigningOutEverywhere(true)}>
            Sign out everywhere
          </Button>
        </div>
      </Card>

      {enrolment ? (
        <EnrolDialog
          enrolment={enrolment}
          onClose={() => {
            setEnrolment(null);
            void refresh();
          }}
          onEnabled={(backupCodes) => {
            setEnrolment(null);
            setCodes(backupCodes);
            toast({ title: "Two-factor sign-in is on", tone: "success" });
            void refresh();
          }}
        />
      ) : null}

      {proofFor ? (
        <ProofDialog
          purpose={proofFor}
          onClose={() => setProofFor(null)}
          onDone={(backupCodes) => {
            const purpose = proofFor;
            setProofFor(null);
            if (backupCodes) setCodes(backupCodes);
            toast({ title: purpose === "disable" ? "Two-factor sign-in is off" : "New backup codes made", description: purpose === "regenerate" ? "The old ones no longer work." : undefined, tone: "success" });
            void refresh();
          }}
        />
      ) : null}

      <Dialog
        open={codes !== null}
        onClose={() => setCodes(null)}
        title="Your backup codes"
        description="Save these somewhere safe. Each code works once, instead of an authenticator code. They are shown only now."
        footer={<Button onClick={() => setCodes(null)}>I saved them</Button>}
      >
        {codes ? <BackupCodes codes={codes} /> : null}
      </Dialog>

      <ConfirmDialog
        open={signingOutEverywhere}
        onClose={() => setSigningOutEverywhere(false)}
        busy={signOutBusy}
        onConfirm={() => {
          setSignOutBusy(true);
          signOut({ everywhere: true }).catch((error: unknown) => {
            setSignOutBusy(false);
            toast({ title: "Could not sign out everywhere", description: error instanceof Error ? error.message : undefined, tone: "error" });
          });
        }}
        title="Sign out everywhere?"
        description={<p>Every browser signed in to your account, this one included, has to sign in again. Live connections close at once.</p>}
        confirmLabel="Sign out everywhere"
      />
    </div>
  );
}

function BackupCodes({ codes }: { codes: string[] }) {
  const text = codes.join("\n");
  const download = () => {
    const url = URL.createObjectURL(new Blob([`Message Hub backup codes\n\n${text}\n`], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "message-hub-backup-codes.txt";
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="space-y-4">
      <ol aria-label="Backup codes" className="grid grid-cols-2 gap-2 rounded-lg bg-slate-50 p-4 font-mono text-sm text-slate-900 dark:bg-slate-950 dark:text-slate-100">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <CopyButton value={text} label="Copy codes" />
        <Button variant="secondary" icon={<DownloadIcon className="size-4" />} onClick={download}>
          Download
        </Button>
      </div>
    </div>
  );
}

function EnrolDialog({ enrolment, onClose, onEnabled }: { enrolment: Enrolment; onClose: () => void; onEnabled: (codes: string[]) => void }) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>();
  // The code field, not the key field above it: scanning the QR code is the usual path.
  const codeRef = useRef<HTMLInputElement>(null);
  const confirm = useMutation({
    mutationFn: () => apiFetch<{ backupCodes: string[] }>("/api/v1/me/totp/confirm", { body: { code: code.trim() } }),
    onSuccess: ({ backupCodes }) => onEnabled(backupCodes),
    onError: (failure) => setError(failure instanceof ApiError && failure.status === 429 ? `Too many tries. Wait ${failure.retryAfterSeconds ?? 60} s.` : failure.message),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) return setError("Enter the 6-digit code from the app");
    setError(undefined);
    confirm.mutate();
  };
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Set up two-factor sign-in"
      initialFocus={codeRef}
      description="Scan the code with your authenticator app, then type the 6-digit code it shows."
      formId="totp-confirm"
      onSubmit={onSubmit}
      submitLabel="Turn on"
      pending={confirm.isPending}
    >
      {/* A data: URL made by the server; next/image adds nothing for it. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={enrolment.qrDataUrl} alt="QR code for your authenticator app" width={192} height={192} className="mx-auto size-48 rounded-lg bg-white p-2 ring-1 ring-slate-200" />
      <SecretField label="Or type this key into the app" value={enrolment.secret} />
      <Input
        ref={codeRef}
        label="Code from the app"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={code}
        onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
        error={error}
      />
    </FormDialog>
  );
}

function ProofDialog({ purpose, onClose, onDone }: { purpose: "disable" | "regenerate"; onClose: () => void; onDone: (codes: string[] | null) => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  const submit = useMutation({
    mutationFn: async () =>
      purpose === "disable"
        ? (await apiFetch<void>("/api/v1/me/totp/disable", { body: { password } }), null)
        : (await apiFetch<{ backupCodes: string[] }>("/api/v1/me/totp/backup-codes", { body: { password } })).backupCodes,
    onSuccess: onDone,
    onError: (failure) => setError(failure instanceof ApiError && failure.status === 429 ? `Too many tries. Wait ${failure.retryAfterSeconds ?? 60} s.` : failure.message),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!password) return setError("Enter your password");
    setError(undefined);
    submit.mutate();
  };
  return (
    <FormDialog
      open
      onClose={onClose}
      title={purpose === "disable" ? "Turn off two-factor?" : "Make new backup codes?"}
      description={purpose === "disable" ? "Signing in will need only your password. Confirm with it." : "The current backup codes stop working. Confirm with your password."}
      formId="totp-proof"
      onSubmit={onSubmit}
      submitLabel={purpose === "disable" ? "Turn off" : "Make new codes"}
      submitVariant={purpose === "disable" ? "danger" : "primary"}
      pending={submit.isPending}
      formClassName=""
    >
      <PasswordInput label="Password" autoComplete="current-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} error={error} />
    </FormDialog>
  );
}
