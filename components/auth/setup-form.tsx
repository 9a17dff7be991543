"use client";

import { useState, useSyncExternalStore, type FormEvent } from "react";
import { hardNavigate } from "@/components/auth/hard-navigate";
import { formatWait, signInWithCredentials } from "@/components/auth/client-auth";
import { PasswordInput } from "@/components/auth/password-input";
import { Button } from "@/components/ui/button";
import { SecretField } from "@/components/ui/copy-button";
import { Input } from "@/components/ui/field";
import { AlertIcon, ArrowRightIcon, KeyIcon } from "@/components/ui/icons";
import { ApiError, apiFetch } from "@/lib/http/api-client";

type SetupResponse = { user: { id: string; email: string }; apiKey: { id: string; name: string; prefix: string }; key: string };

/**
 * First run: creates the first admin through POST /api/v1/setup, signs them
 * in, and shows the admin API key that setup makes (for the CLI and scripts)
 * once, before going on to the inbox.
 */
export function SetupForm() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // The browser's zone, read after hydration (the server cannot know it).
  const timezone = useSyncExternalStore(
    () => () => {},
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    () => "UTC",
  );
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ message: string; alreadyDone?: boolean } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string | undefined>>({});
  const [created, setCreated] = useState<SetupResponse | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local: Record<string, string | undefined> = {
      name: name.trim() ? undefined : "Enter your name",
      email: /^\S+@\S+\.\S+$/.test(email.trim()) ? undefined : "Enter an email address",
      password: password.length >= 10 ? undefined : "Use at least 10 characters",
    };
    setFieldErrors(local);
    if (Object.values(local).some(Boolean)) return;
    setPending(true);
    setError(null);
    try {
      const result = await apiFetch<SetupResponse>("/api/v1/setup", { body: { name: name.trim(), email: email.trim(), password, timezone } });
      const signedIn = await signInWithCredentials({ email: email.trim(), password });
      if (!signedIn.ok) {
        hardNavigate("/sign-in");
        return;
      }
      setCreated(result);
    } catch (caught) {
      setPending(false);
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.status === 409) setError({ message: "This hub is already set up. Sign in with your account instead.", alreadyDone: true });
      else if (caught.status === 429) setError({ message: `Too many setup attempts from this address. Try again in ${formatWait(caught.retryAfterSeconds ?? 60)}.` });
      else if (caught.status === 422) setFieldErrors({ name: caught.fieldError("name"), email: caught.fieldError("email"), password: caught.fieldError("password") });
      else setError({ message: caught.message });
    }
  };

  if (created) {
    return (
      <div className="space-y-5">
        <div className="flex gap-3 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
          <KeyIcon className="mt-0.5 size-5 shrink-0" />
          <p>
            Your account is ready and you are signed in. Setup also made an API key with every scope, for the <code className="font-mono">message-hub</code> CLI and your scripts.
            It is shown only this once.
          </p>
        </div>
        <SecretField label={`API key “${created.apiKey.name}”`} value={created.key} />
        <p className="text-sm text-slate-600 dark:text-slate-400">If you do not need it, revoke it under Settings → API keys.</p>
        <Button size="lg" className="w-full" icon={<ArrowRightIcon className="size-4" />} onClick={() => hardNavigate("/inbox")}>
          Continue to your inbox
        </Button>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      {error ? (
        <div role="alert" className="flex gap-3 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          <AlertIcon className="mt-0.5 size-5 shrink-0" />
          <p>
            {error.message}{" "}
            {error.alreadyDone ? (
              <a href="/sign-in" className="font-medium underline">
                Go to sign-in
              </a>
            ) : null}
          </p>
        </div>
      ) : null}
      <Input label="Your name" name="name" autoComplete="name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} />
      <Input label="Email" type="email" name="email" autoComplete="username" inputMode="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldErrors.email} />
      <PasswordInput
        label="Password"
        name="password"
        autoComplete="new-password"
        required
        minLength={10}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        hint="At least 10 characters. A few random words make a strong one."
        error={fieldErrors.password}
      />
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Time zone: <span className="font-medium text-slate-800 dark:text-slate-200">{timezone}</span> (from this browser).
      </p>
      <Button type="submit" size="lg" className="w-full" loading={pending}>
        Create admin account
      </Button>
    </form>
  );
}
