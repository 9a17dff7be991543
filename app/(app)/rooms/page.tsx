import type { Metadata } from "next";
import { Page } from "@/components/shell/page";
import { Card } from "@/components/ui/display";
import { RoomsIcon } from "@/components/ui/icons";
import { EmptyState } from "@/components/ui/states";
import { requireUser } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Rooms" };

export default async function RoomsPage() {
  await requireUser();
  return (
    <Page title="Rooms" description="Incident rooms: live chat with severity, status and a timeline, for working through an outage together.">
      <Card>
        <EmptyState
          icon={<RoomsIcon className="size-7" />}
          title="No incident rooms"
          description={
            <p>
              You are not in any room. A room is opened for an incident with{" "}
              <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs dark:bg-slate-800">POST /api/v1/rooms</code>, using an API key with the{" "}
              <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs dark:bg-slate-800">rooms:write</code> scope, and whoever opens it adds the members.
            </p>
          }
        />
      </Card>
    </Page>
  );
}
