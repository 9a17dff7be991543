"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { hardNavigate } from "@/components/auth/hard-navigate";
import { formatWait, signInWithCredentials, SIGN_IN_MESSAGES } from "@/components/auth/client-auth";
import { PasswordInput } from "@/components/auth/password-input";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { AlertIcon, ClockIcon, ShieldIcon } from "@/components/ui/icons";

/**
 * Email and password, then (for accounts with two-factor on) a second step
 * for the authenticator code. A lockout shows how long is left and counts
 * down; the form stays disabled until it is over.
 */
export function SignInForm({ next, initialError }: { next: string; initialError?: string }) {
  const [step, setStep] = useState<"password" | "totp">("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [pending, setPending] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  // Whatever was typed or autofilled before the page hydrated is in the DOM
  // but not in state; take it over so the form does not look empty.
  useEffect(() => {
    const typedEmail = emailRef.current?.value;
    const typedPassword = passwordRef.current?.value;
    if (typedEmail) setEmail((current) => current || typedEmail);
    if (typedPassword) setPassword((current) => current || typedPassword);
  }, []);

  useEffect(() => {
    if (!lockedUntil) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= lockedUntil) setLockedUntil(null);
    }, 1000);
    return () => clearInterval(timer);
  }, [lockedUntil]);

  useEffect(() => {
    if (step === "totp") codeRef.current?.focus();
  }, [step]);

  const locked = lockedUntil !== null && lockedUntil > now;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (locked || pending) return;
    setPending(true);
    setError(null);
    const outcome = await signInWithCredentials({ email, password, totp: step === "totp" ? code.replace(/\s/g, "") : undefined });
    if (outcome.ok) {
      hardNavigate(next);
      return;
    }
    setPending(false);
    switch (outcome.reason) {
      case "totp_required":
        setStep("totp");
        return;
      case "rate_limited":
        setNow(Date.now());
        setLockedUntil(Date.now() + (outcome.retryAfterSeconds ?? 60) * 1000);
        return;
      case "invalid":
        setError(SIGN_IN_MESSAGES.invalid);
        if (step === "password") {
          setPassword("");
          passwordRef.current?.focus();
        }
        return;
      case "totp_invalid":
        setError(SIGN_IN_MESSAGES.totp_invalid);
        setCode("");
        codeRef.current?.focus();
        return;
      default:
        setError(outcome.detail ? `${SIGN_IN_MESSAGES[outcome.reason]} (${outcome.detail})` : SIGN_IN_MESSAGES[outcome.reason]);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-describedby={error || locked ? "sign-in-problem" : undefined}>
      {locked ? (
        <div id="sign-in-problem" role="alert" className="flex gap-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <ClockIcon className="mt-0.5 size-5 shrink-0" />
          <div>
            <p className="font-medium">Too many failed attempts</p>
            <p className="mt-0.5">
              Sign-in is paused for this account. Try again in <span className="font-semibold tabular-nums" data-testid="lockout-wait">{formatWait((lockedUntil - now) / 1000)}</span>.
            </p>
          </div>
        </div>
      ) : error ? (
        <div id="sign-in-problem" role="alert" className="flex gap-3 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          <AlertIcon className="mt-0.5 size-5 shrink-0" />
          <p>{error}</p>
        </div>
      ) : null}

      {step === "password" ? (
        <>
          <Input ref={emailRef} label="Email" type="email" name="email" autoComplete="username" inputMode="email" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
          <PasswordInput ref={passwordRef} label="Password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </>
      ) : (
        <>
          <div className="flex items-start gap-3 rounded-lg bg-slate-50 p-3 text-sm text-slate-700 dark:bg-slate-800/60 dark:text-slate-300">
            <ShieldIcon className="mt-0.5 size-5 shrink-0 text-brand-600 dark:text-brand-400" />
            <p>
              Two-factor authentication is on for <span className="font-medium">{email}</span>. Open your authenticator app and enter the current code.
            </p>
          </div>
          <Input
            ref={codeRef}
            label="Authentication code"
            name="totp"
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={32}
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
            className="text-center font-mono text-lg tracking-[0.4em]"
          />
        </>
      )}

      <Button type="submit" size="lg" className="w-full" loading={pending} disabled={locked || !email || !password || (step === "totp" && code.replace(/\s/g, "").length < 6)}>
        {step === "password" ? "Sign in" : "Verify and sign in"}
      </Button>
      {step === "totp" ? (
        <button
          type="button"
          onClick={() => {
            setStep("password");
            setCode("");
            setError(null);
          }}
          className="w-full text-center text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-200"
        >
          Use a different account
        </button>
      ) : null}
    </form>
  );
}
