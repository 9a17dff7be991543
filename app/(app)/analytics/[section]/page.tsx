import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { Page } from "@/components/shell/page";
import { AnalyticsNav } from "@/components/analytics/analytics-nav";
import { DevicesAnalytics, RoomsAnalytics, SystemAnalytics, TasksAnalytics, UsersAnalytics } from "@/components/analytics/sections";
import { requireAdmin } from "@/lib/auth/page-session";

const SECTIONS = {
  devices: { title: "Device analytics", component: DevicesAnalytics },
  rooms: { title: "Room analytics", component: RoomsAnalytics },
  tasks: { title: "Task analytics", component: TasksAnalytics },
  users: { title: "User analytics", component: UsersAnalytics },
  system: { title: "System health", component: SystemAnalytics },
} as const;

type Props = { params: Promise<{ section: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { section } = await params;
  return { title: Object.hasOwn(SECTIONS, section) ? SECTIONS[section as keyof typeof SECTIONS].title : "Analytics" };
}

/** One analytics section per path (/analytics/devices…). Administrators only; members get a 404. */
export default async function AnalyticsSectionPage({ params }: Props) {
  await requireAdmin();
  const { section } = await params;
  if (!Object.hasOwn(SECTIONS, section)) notFound();
  const { component: Section } = SECTIONS[section as keyof typeof SECTIONS];
  return (
    <Page title="Analytics" description="How the hub is used and whether it is healthy. Dates are UTC; the last day is live up to now.">
      <Suspense>
        <AnalyticsNav />
        <Section />
      </Suspense>
    </Page>
  );
}
