import type { Metadata } from "next";
import { AcceptInviteForm } from "@/components/accounts/accept-invite-form";
import { Card } from "@/components/ui/display";
import { AlertIcon } from "@/components/ui/icons";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { findInviteByToken } from "@/lib/users/invites";
import { inviteTokenParams } from "@/lib/users/schemas";

export const metadata: Metadata = { title: "Accept invite" };

/**
 * The page an invite link opens. The token is checked here, server side, so
 * a used, revoked or expired link says so before anyone types a password.
 */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const parsed = inviteTokenParams.safeParse(await params);
  let invite: { email: string; role: "admin" | "member"; expiresAt: string } | null = null;
  let problem = "This invite link is not valid; ask an admin for a new one";
  if (parsed.success) {
    try {
      invite = await findInviteByToken(getDb(), parsed.data.token);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problem = error.message;
    }
  }
  return (
    <Card className="p-6 sm:p-8">
      {invite && parsed.success ? (
        <>
          <h1 className="text-xl font-semibold tracking-tight">Join Message Hub</h1>
          <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">
            You were invited as {invite.role === "admin" ? "an" : "a"} <strong className="font-medium text-slate-800 dark:text-slate-200">{invite.role}</strong>. Choose your name and a password to create
            your account.
          </p>
          <AcceptInviteForm token={parsed.data.token} email={invite.email} />
        </>
      ) : (
        <div role="alert" className="flex flex-col items-center gap-3 text-center">
          <span className="flex size-12 items-center justify-center rounded-2xl bg-red-50 text-red-600 dark:bg-red-950 dark:text-red-400">
            <AlertIcon className="size-6" />
          </span>
          <h1 className="text-xl font-semibold tracking-tight">Invite link unavailable</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">{problem}</p>
          <a href="/sign-in" className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-300">
            Go to sign-in
          </a>
        </div>
      )}
    </Card>
  );
}
