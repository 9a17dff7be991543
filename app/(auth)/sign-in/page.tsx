import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card } from "@/components/ui/display";
import { currentUser, safeNextPath } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { countUsers } from "@/lib/users/users";

export const metadata: Metadata = { title: "Sign in" };

// next-auth sends errors here as ?error=<code> when a sign-in was posted without this page's script.
const ERRORS: Record<string, string> = {
  invalid: "That email and password do not match an account.",
  CredentialsSignin: "That email and password do not match an account.",
  deactivated: "This account has been deactivated.",
  totp_required: "This account needs a code from its authenticator app.",
  totp_invalid: "That authenticator code was not right.",
  SessionRequired: "Sign in to continue.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [user, users, params] = await Promise.all([currentUser(), countUsers(getDb()), searchParams]);
  if (users === 0) redirect("/setup");
  const next = safeNextPath(params.callbackUrl);
  if (user) redirect(next);
  const error = typeof params.error === "string" ? (ERRORS[params.error] ?? "Sign-in failed. Try again.") : undefined;
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600 dark:text-slate-400">Welcome back. Sign in to your hub.</p>
      <SignInForm next={next} initialError={error} />
    </Card>
  );
}
