"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { PhoneNumberView } from "@/lib/sms/schemas";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Badge, Card, CardHeader } from "@/components/ui/display";
import { Input } from "@/components/ui/field";
import { PlusIcon, SmartphoneIcon, TrashIcon } from "@/components/ui/icons";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { useToast } from "@/components/ui/toast";

async function listNumbers(): Promise<PhoneNumberView[]> {
  return (await apiFetch<{ data: PhoneNumberView[] }>("/api/v1/phone-numbers")).data;
}

/**
 * Settings → Phone numbers: add a number, enter the code texted to it,
 * resend, remove. Only verified numbers route inbound SMS to this account;
 * changing a number is adding and verifying the new one, then removing the old.
 */
export function PhoneNumbersManager({ initialNumbers }: { initialNumbers: PhoneNumberView[] }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [phoneNumber, setPhoneNumber] = useState("");
  const [addError, setAddError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<PhoneNumberView | null>(null);
  const numbers = useQuery({ queryKey: queryKeys.sms.phoneNumbers(), queryFn: listNumbers, initialData: initialNumbers, staleTime: 10_000 });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.sms.all() });

  const add = useMutation({
    mutationFn: (value: string) => apiFetch<{ phoneNumber: PhoneNumberView }>("/api/v1/phone-numbers", { method: "POST", body: { phoneNumber: value } }),
    onSuccess: ({ phoneNumber: added }) => {
      setPhoneNumber("");
      setAddError(null);
      toast({ title: "Code sent", description: `Enter the 6-digit code texted to ${added.phoneNumber}.`, tone: "success" });
      void invalidate();
    },
    onError: (error) => setAddError(error instanceof ApiError ? (error.fieldError("phoneNumber") ?? error.message) : error.message),
  });

  const remove = useMutation({
    mutationFn: (number: PhoneNumberView) => apiFetch(`/api/v1/phone-numbers/${encodeURIComponent(number.id)}`, { method: "DELETE" }),
    onSuccess: () => {
      setRemoving(null);
      toast({ title: "Number removed", tone: "success" });
      void invalidate();
    },
    onError: (error) => toast({ title: "Could not remove the number", description: error.message, tone: "error" }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (phoneNumber.trim()) add.mutate(phoneNumber.trim());
  };

  const list = numbers.data;
  return (
    <Card>
      <CardHeader title="Phone numbers" description="Texts from a verified number to the hub's Twilio number land in your inbox. Each number can belong to one account." />
      <form onSubmit={submit} className="flex flex-col gap-3 px-4 pb-4 sm:flex-row sm:items-end sm:px-5">
        <div className="flex-1">
          <Input label="Add a number" placeholder="+1 555 123 4567" inputMode="tel" autoComplete="tel" value={phoneNumber} onChange={(e) => setPhoneNumber(e.target.value)} error={addError} hint="With its country code." />
        </div>
        <Button type="submit" icon={<PlusIcon className="size-4" />} loading={add.isPending} disabled={!phoneNumber.trim()}>
          Send code
        </Button>
      </form>
      {numbers.isError && !list ? (
        <ErrorState title="Could not load your numbers" detail={numbers.error.message} onRetry={() => void numbers.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState icon={<SmartphoneIcon className="size-7" />} title="No phone numbers" description="Add the number you text from; we send it a code to prove it is yours." />
      ) : (
        <ul aria-label="Phone numbers" className="divide-y divide-slate-200 dark:divide-slate-800">
          {list.map((number) => (
            <NumberRow key={number.id} number={number} onRemove={() => setRemoving(number)} onChanged={invalidate} />
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing)}
        busy={remove.isPending}
        title="Remove this number?"
        description={<p>Texts from {removing?.phoneNumber} stop reaching your inbox at once.</p>}
        confirmLabel="Remove number"
      />
    </Card>
  );
}

function NumberRow({ number, onRemove, onChanged }: { number: PhoneNumberView; onRemove: () => void; onChanged: () => Promise<unknown> }) {
  const { toast } = useToast();
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState<string | null>(null);
  const verify = useMutation({
    mutationFn: () => apiFetch<{ phoneNumber: PhoneNumberView }>(`/api/v1/phone-numbers/${encodeURIComponent(number.id)}/verify`, { method: "POST", body: { code } }),
    onSuccess: () => {
      setCode("");
      setCodeError(null);
      toast({ title: "Number verified", description: `Texts from ${number.phoneNumber} now reach your inbox.`, tone: "success" });
      void onChanged();
    },
    onError: (error) => setCodeError(error.message),
  });
  const resend = useMutation({
    mutationFn: () => apiFetch(`/api/v1/phone-numbers/${encodeURIComponent(number.id)}/resend`, { method: "POST" }),
    onSuccess: () => {
      toast({ title: "New code sent", tone: "success" });
      void onChanged();
    },
    onError: (error) => toast({ title: "Could not send a new code", description: error.message, tone: "error" }),
  });
  return (
    <li className="flex flex-col gap-3 px-4 py-4 sm:px-5" aria-label={number.phoneNumber}>
      <div className="flex items-center gap-3">
        <span className="font-mono text-sm font-medium text-slate-900 dark:text-slate-100">{number.phoneNumber}</span>
        {number.verified ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Waiting for code</Badge>}
        <span className="flex-1" />
        <Button variant="ghost" size="sm" icon={<TrashIcon className="size-4" />} onClick={onRemove}>
          Remove
        </Button>
      </div>
      {number.verified ? null : (
        <form
          className="flex flex-col gap-2 sm:flex-row sm:items-end"
          onSubmit={(event) => {
            event.preventDefault();
            verify.mutate();
          }}
        >
          <div className="sm:w-48">
            <Input label={`Code for ${number.phoneNumber}`} inputMode="numeric" autoComplete="one-time-code" maxLength={6} pattern="\d{6}" value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))} error={codeError} />
          </div>
          <Button type="submit" loading={verify.isPending} disabled={code.length !== 6}>
            Verify
          </Button>
          <Button variant="secondary" loading={resend.isPending} onClick={() => resend.mutate()}>
            Resend code
          </Button>
        </form>
      )}
    </li>
  );
}
