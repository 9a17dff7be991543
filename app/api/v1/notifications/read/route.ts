import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { markRead, unreadCount } from "@/lib/notifications/list";
import { markReadSchema } from "@/lib/notifications/schemas";

export const dynamic = "force-dynamic";

/** Marks some ({ids}) or all ({all:true}) of the caller's notifications read; returns the new unread count. */
export const POST = route({ auth: "user", refuseDeviceKeys: true, body: markReadSchema }, async ({ input, actor }) => {
  const db = getDb();
  const ids = await markRead(db, actor.userId, input.body);
  const unread = await unreadCount(db, actor.userId);
  return { ids, unread };
});
