import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

/** The front door: the inbox when signed in, otherwise sign-in (or setup on a new hub). */
export default async function HomePage() {
  await requireUser();
  redirect("/inbox");
}
