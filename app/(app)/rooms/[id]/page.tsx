import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RoomView } from "@/components/rooms/room-view";
import { requireUser } from "@/lib/auth/page-session";
import { getConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { getRoom } from "@/lib/rooms/list-rooms";

export const metadata: Metadata = { title: "Incident room" };

async function findRoom(actor: Parameters<typeof getRoom>[1], id: string) {
  try {
    return await getRoom(getDb(), actor, id);
  } catch (error) {
    // A room you are not in does not exist, for you.
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

export default async function RoomPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, requireUser()]);
  const room = await findRoom({ userId: user.id, role: user.role, via: "session", scopes: [] }, id);
  if (!room) notFound();
  return <RoomView initialRoom={room} me={user.id} hubAdmin={user.role === "admin"} editWindowMinutes={getConfig().ROOM_EDIT_WINDOW_MINUTES} />;
}
