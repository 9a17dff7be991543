import { eq, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { notificationSettings } from "@/lib/db/schema/notifications";
import { users } from "@/lib/db/schema/users";
import { nextLocalTime, nextLocalWeekday } from "@/lib/notifications/schedule";

export type NotificationSettings = {
  quietHours: { start: string; end: string } | null;
  dailyDigest: boolean;
  digestTime: string;
  weeklyDigest: boolean;
  weeklyDay: number;
  timezone: string;
};

const DEFAULTS = { quietStart: null, quietEnd: null, dailyDigest: true, digestTime: "08:00", weeklyDigest: true, weeklyDay: 1 };

/** The user's schedule (defaults when they never saved one) and their timezone. */
export async function getSettings(db: Queryable, userId: string): Promise<NotificationSettings> {
  const [row] = await db
    .select({ settings: notificationSettings, timezone: users.timezone })
    .from(users)
    .leftJoin(notificationSettings, eq(notificationSettings.userId, users.id))
    .where(eq(users.id, userId));
  const s = row?.settings ?? DEFAULTS;
  return {
    quietHours: s.quietStart && s.quietEnd ? { start: s.quietStart, end: s.quietEnd } : null,
    dailyDigest: s.dailyDigest,
    digestTime: s.digestTime,
    weeklyDigest: s.weeklyDigest,
    weeklyDay: s.weeklyDay,
    timezone: row?.timezone ?? "UTC",
  };
}

/** Saves the schedule and recomputes when each digest is next due, in the user's zone. */
export async function updateSettings(db: Queryable, userId: string, changes: Partial<Omit<NotificationSettings, "timezone">>, now = new Date()): Promise<NotificationSettings> {
  const merged = { ...(await getSettings(db, userId)), ...changes };
  const values = {
    quietStart: merged.quietHours?.start ?? null,
    quietEnd: merged.quietHours?.end ?? null,
    dailyDigest: merged.dailyDigest,
    digestTime: merged.digestTime,
    weeklyDigest: merged.weeklyDigest,
    weeklyDay: merged.weeklyDay,
    nextDailyAt: merged.dailyDigest ? nextLocalTime(now, merged.digestTime, merged.timezone) : null,
    nextWeeklyAt: merged.weeklyDigest ? nextLocalWeekday(now, merged.weeklyDay, merged.digestTime, merged.timezone) : null,
  };
  await db
    .insert(notificationSettings)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: notificationSettings.userId, set: { ...values, updatedAt: sql`now()` } });
  return getSettings(db, userId);
}
