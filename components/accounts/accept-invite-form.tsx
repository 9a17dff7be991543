"use client";

import { useState, useSyncExternalStore, type FormEvent } from "react";
import { hardNavigate } from "@/components/auth/hard-navigate";
import { formatWait, signInWithCredentials } from "@/components/auth/client-auth";
import { PasswordInput } from "@/components/auth/password-input";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { AlertIcon } from "@/components/ui/icons";
import { ApiError, apiFetch } from "@/lib/http/api-client";

/** Accepts an invite (POST /api/v1/invites/{token}/accept), then signs the new account in. */
export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const timezone = useSyncExternalStore(
    () => () => {},
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    () => "UTC",
  );
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string | undefined>>({});

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local = { name: name.trim() ? undefined : "Enter your name", password: password.length >= 10 ? undefined : "Use at least 10 characters" };
    setFieldErrors(local);
    if (local.name || local.password) return;
    setPending(true);
    setError(null);
    try {
      await apiFetch(`/api/v1/invites/${encodeURIComponent(token)}/accept`, { body: { name: name.trim(), password, timezone } });
      const signedIn = await signInWithCredentials({ email, password });
      hardNavigate(signedIn.ok ? "/inbox" : "/sign-in");
    } catch (caught) {
      setPending(false);
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.status === 422) setFieldErrors({ name: caught.fieldError("name"), password: caught.fieldError("password") });
      else if (caught.status === 429) setError(`Too many attempts. Try again in ${formatWait(caught.retryAfterSeconds ?? 60)}.`);
      else setError(caught.message);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      {error ? (
        <div role="alert" className="flex gap-3 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          <AlertIcon className="mt-0.5 size-5 shrink-0" />
          <p>{error}</p>
        </div>
      ) : null}
      <Input label="Email" type="email" name="email" autoComplete="username" value={email} readOnly />
      <Input label="Your name" name="name" autoComplete="name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} />
      <PasswordInput
        label="Password"
        name="password"
        autoComplete="new-password"
        required
        minLength={10}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        hint="At least 10 characters."
        error={fieldErrors.password}
      />
      <Button type="submit" size="lg" className="w-full" loading={pending}>
        Create account
      </Button>
    </form>
  );
}
