import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { decodeCursor, listNotifications } from "@/lib/notifications/list";
import { notificationListQuerySchema } from "@/lib/notifications/schemas";

export const dynamic = "force-dynamic";

/** The caller's notifications, newest first, with the unread count for the badge. */
export const GET = route({ auth: "user", refuseDeviceKeys: true, query: notificationListQuerySchema }, async ({ input, actor }) => {
  const before = input.query.cursor ? decodeCursor(input.query.cursor) : undefined;
  if (before === null) throw new AppError("bad_request", "The cursor is not valid");
  return listNotifications(getDb(), actor.userId, { limit: input.query.limit, unreadOnly: input.query.unread, before });
});
