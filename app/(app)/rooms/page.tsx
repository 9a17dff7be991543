import type { Metadata } from "next";
import { Page } from "@/components/shell/page";
import { RoomList } from "@/components/rooms/room-list";
import { requireUser } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db/client";
import { listRooms } from "@/lib/rooms/list-rooms";

export const metadata: Metadata = { title: "Rooms" };

export default async function RoomsPage() {
  const user = await requireUser();
  const actor = { userId: user.id, role: user.role, via: "session" as const, scopes: [] };
  const initial = await listRooms(getDb(), actor, { archived: "false", limit: 200 });
  return (
    <Page title="Rooms" description="Incident rooms: live chat with severity, status and a timeline, for working through an outage together.">
      <RoomList initial={initial} initialArchived="false" />
    </Page>
  );
}
