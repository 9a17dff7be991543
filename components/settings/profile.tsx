"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/display";
import { Input, Select } from "@/components/ui/field";
import { PasswordInput } from "@/components/auth/password-input";
import { useToast } from "@/components/ui/toast";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";

function timeZones(current: string): string[] {
  const supported = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([current, "UTC", ...supported])];
}

/** Name and time zone (PATCH /api/v1/me), and the password (POST /api/v1/me/password). */
export function ProfileSettings({ name: initialName, timezone: initialZone, email }: { name: string; timezone: string; email: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [name, setName] = useState(initialName);
  const [timezone, setTimezone] = useState(initialZone);
  const save = useMutation({
    mutationFn: () => apiFetch("/api/v1/me", { method: "PATCH", body: { name, timezone } }),
    onSuccess: () => {
      toast({ tone: "success", title: "Profile saved" });
      void queryClient.invalidateQueries({ queryKey: queryKeys.me() });
      router.refresh();
    },
  });
  const saveError = save.error instanceof ApiError ? save.error : null;

  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useMutation({
    mutationFn: () => apiFetch("/api/v1/me/password", { body: { currentPassword: current, newPassword: next } }),
    onSuccess: () => {
      setCurrent("");
      setNext("");
      toast({ tone: "success", title: "Password changed", description: "Your other sessions were signed out." });
    },
  });
  const changeError = change.error instanceof ApiError ? change.error : null;

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Profile" description={`Signed in as ${email}.`} />
        <form
          className="space-y-4 p-4 sm:p-5"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <Input label="Name" value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} autoComplete="name" error={saveError?.fieldError("name")} />
          <Select label="Time zone" value={timezone} onChange={(event) => setTimezone(event.target.value)} hint="Times in the inbox are shown in this zone." error={saveError?.fieldError("timezone")}>
            {timeZones(initialZone).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </Select>
          {saveError && !saveError.errors.length ? <p className="text-sm text-red-600 dark:text-red-400">{saveError.message}</p> : null}
          <Button type="submit" loading={save.isPending}>
            Save profile
          </Button>
        </form>
      </Card>
      <Card>
        <CardHeader title="Password" description="Changing it signs out your other sessions." />
        <form
          className="space-y-4 p-4 sm:p-5"
          onSubmit={(event) => {
            event.preventDefault();
            change.mutate();
          }}
        >
          <PasswordInput label="Current password" value={current} onChange={(event) => setCurrent(event.target.value)} autoComplete="current-password" required error={changeError?.fieldError("currentPassword")} />
          <PasswordInput label="New password" value={next} onChange={(event) => setNext(event.target.value)} autoComplete="new-password" required error={changeError?.fieldError("newPassword")} />
          {changeError && !changeError.fieldError("currentPassword") && !changeError.fieldError("newPassword") ? <p className="text-sm text-red-600 dark:text-red-400">{changeError.message}</p> : null}
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </form>
      </Card>
    </div>
  );
}
