import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { Card } from "@/components/ui/display";
import { getDb } from "@/lib/db/client";
import { countUsers } from "@/lib/users/users";

export const metadata: Metadata = { title: "Set up" };

/** First run only: once any user exists this page is gone and sign-in takes its place. */
export default async function SetupPage() {
  if ((await countUsers(getDb())) > 0) redirect("/sign-in");
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold tracking-tight">Set up your hub</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600 dark:text-slate-400">Create the administrator account. Nobody else can sign in until you do.</p>
      <SetupForm />
    </Card>
  );
}
