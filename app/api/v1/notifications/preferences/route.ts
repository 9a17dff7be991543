import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getPreferences, updatePreferences } from "@/lib/notifications/preferences";
import { preferencesUpdateSchema } from "@/lib/notifications/schemas";
import { getSettings, updateSettings } from "@/lib/notifications/settings";

export const dynamic = "force-dynamic";

/** The caller's type × channel matrix (their choices over the defaults), quiet hours and digest schedule. */
export const GET = route({ auth: "user", refuseDeviceKeys: true }, async ({ actor }) => {
  const db = getDb();
  const [preferences, schedule] = await Promise.all([getPreferences(db, actor.userId), getSettings(db, actor.userId)]);
  return { preferences, schedule };
});

/** Changes any matrix cells and schedule fields; returns the whole of both. */
export const PUT = route({ auth: "user", refuseDeviceKeys: true, body: preferencesUpdateSchema }, async ({ input, actor }) => {
  const db = getDb();
  const { channels, ...schedule } = input.body;
  const preferences = await updatePreferences(db, actor.userId, channels ?? {});
  return { preferences, schedule: Object.keys(schedule).length > 0 ? await updateSettings(db, actor.userId, schedule) : await getSettings(db, actor.userId) };
});
