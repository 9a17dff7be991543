import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db/client";
import { notificationPreferences } from "@/lib/db/schema/notifications";
import { phoneNumbers } from "@/lib/db/schema/sms";
import { AppError } from "@/lib/http/errors";
import { CHANNELS, DEFAULT_PREFERENCES, NOTIFICATION_TYPES, type Channel, type NotificationType } from "@/lib/notifications/types";

export type Preferences = Record<NotificationType, Record<Channel, boolean>>;

/** The user's full type × channel matrix: their choices over the defaults. */
export async function getPreferences(db: Queryable, userId: string): Promise<Preferences> {
  const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  const matrix = structuredClone(DEFAULT_PREFERENCES);
  for (const row of rows) {
    if ((NOTIFICATION_TYPES as readonly string[]).includes(row.type)) matrix[row.type as NotificationType][row.channel] = row.enabled;
  }
  return matrix;
}

/**
 * Saves the cells given (a partial matrix); the others keep their value.
 * Turning SMS on needs a verified phone number (422 otherwise): texts go only
 * to a number the user proved is theirs.
 */
export async function updatePreferences(db: Queryable, userId: string, changes: Partial<Record<NotificationType, Partial<Record<Channel, boolean>>>>): Promise<Preferences> {
  const values = Object.entries(changes).flatMap(([type, channels]) =>
    Object.entries(channels ?? {}).map(([channel, enabled]) => ({ userId, type, channel: channel as Channel, enabled: enabled as boolean })),
  );
  const smsOn = values.filter((value) => value.channel === "sms" && value.enabled);
  if (smsOn.length > 0) {
    const [verified] = await db
      .select({ id: phoneNumbers.id })
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.userId, userId), isNotNull(phoneNumbers.verifiedAt)))
      .limit(1);
    if (!verified) {
      throw new AppError("validation_failed", "SMS notifications need a verified phone number: add and verify one under Settings → Phone numbers first", {
        errors: smsOn.map((value) => ({ path: `body.channels.${value.type}.sms`, message: "needs a verified phone number", code: "phone_not_verified" })),
      });
    }
  }
  if (values.length > 0) {
    await db
      .insert(notificationPreferences)
      .values(values)
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.type, notificationPreferences.channel],
        set: { enabled: sql`excluded.enabled`, updatedAt: sql`now()` },
      });
  }
  return getPreferences(db, userId);
}

/** The channels one notification of `type` goes out on for this user. */
export async function channelsFor(db: Queryable, userId: string, type: NotificationType): Promise<Channel[]> {
  const rows = await db
    .select({ channel: notificationPreferences.channel, enabled: notificationPreferences.enabled })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.type, type)));
  const choice = { ...DEFAULT_PREFERENCES[type] };
  for (const row of rows) choice[row.channel] = row.enabled;
  return CHANNELS.filter((channel) => choice[channel]);
}
