import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listNotifications } from "@/lib/notifications/list";
import { notificationListQuerySchema } from "@/lib/notifications/schemas";

export const dynamic = "force-dynamic";

/** The caller's notifications, newest first, with the unread count for the badge. */
export const GET = route({ auth: "user", refuseDeviceKeys: true, query: notificationListQuerySchema }, async ({ input, actor }) =>
  listNotifications(getDb(), actor.userId, { limit: input.query.limit, unreadOnly: input.query.unread, before: input.query.cursor }),
);
