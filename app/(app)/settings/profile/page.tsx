import type { Metadata } from "next";
import { ProfileSettings } from "@/components/settings/profile";
import { requireUser } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage() {
  const user = await requireUser();
  return <ProfileSettings name={user.name} timezone={user.timezone} email={user.email} />;
}
