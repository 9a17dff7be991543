import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { sendPush } from "@/lib/notifications/push";

export const dynamic = "force-dynamic";

/** Sends a test notification to every browser the caller subscribed, so they can see push works. */
export const POST = route({ auth: "user", refuseDeviceKeys: true, rateLimit: "send" }, async ({ actor }) =>
  sendPush(getDb(), actor.userId, { title: "Message Hub", body: "Push notifications work in this browser.", url: "/settings/notifications", tag: "push-test" }),
);
