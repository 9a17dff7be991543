import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lt, lte, ne, notExists, or, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database, Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { messages } from "@/lib/db/schema/inbox";
import { roomMembers, rooms } from "@/lib/db/schema/rooms";
import { notificationDeliveries, notificationSettings, notifications } from "@/lib/db/schema/notifications";
import { tasks } from "@/lib/db/schema/tasks";
import { users } from "@/lib/db/schema/users";
import { enqueueInTx, jobIdFor } from "@/lib/jobs/boss";
import { CHANNEL_QUEUE } from "@/lib/notifications/deliver";
import { channelsFor } from "@/lib/notifications/preferences";
import { nextLocalTime, nextLocalWeekday } from "@/lib/notifications/schedule";
import { getSettings, updateSettings } from "@/lib/notifications/settings";
import { addLocalDays, startOfLocalDay, toFloating } from "@/lib/tasks/timezone";

type TaskLine = { title: string; dueAt: Date | null };
type IncidentLine = { title: string; severity: string; status: string };
export type DailyDigest = { dueToday: TaskLine[]; overdue: TaskLine[]; dueThisWeek: TaskLine[]; completedYesterday: TaskLine[]; unreadHighPriority: number; openIncidents: IncidentLine[] };
export type WeeklyDigest = { completedThisWeek: number; completedLastWeek: number; createdThisWeek: number; open: number; overdue: number };

/** Tasks the user owns or is assigned, not deleted. */
function mine(userId: string) {
  return and(or(eq(tasks.userId, userId), eq(tasks.assigneeId, userId)), isNull(tasks.deletedAt));
}

/** Incident rooms the user is a member of that are neither resolved nor archived: most severe first, then oldest. */
async function openIncidents(db: Queryable, userId: string): Promise<IncidentLine[]> {
  return db
    .select({ title: rooms.title, severity: rooms.severity, status: rooms.status })
    .from(roomMembers)
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(and(eq(roomMembers.userId, userId), ne(rooms.status, "resolved"), isNull(rooms.archivedAt)))
    .orderBy(asc(rooms.severity), asc(rooms.createdAt), asc(rooms.id))
    .limit(50);
}

async function taskLines(db: Queryable, where: ReturnType<typeof and>): Promise<TaskLine[]> {
  return db.select({ title: tasks.title, dueAt: tasks.dueAt }).from(tasks).where(where).orderBy(asc(tasks.dueAt), asc(tasks.id)).limit(50);
}

/** The daily digest's content for the local day `now` falls on, in `timeZone`. */
export async function composeDailyDigest(db: Queryable, userId: string, now: Date, timeZone: string): Promise<DailyDigest> {
  const today = startOfLocalDay(now, timeZone);
  const tomorrow = addLocalDays(now, 1, timeZone);
  const weekEnd = addLocalDays(now, 7, timeZone);
  const yesterday = addLocalDays(now, -1, timeZone);
  const open = and(mine(userId), ne(tasks.status, "done"));
  const [dueToday, overdue, dueThisWeek, completedYesterday, [unread], incidents] = await Promise.all([
    taskLines(db, and(open, gte(tasks.dueAt, today), lt(tasks.dueAt, tomorrow))),
    taskLines(db, and(open, lt(tasks.dueAt, today))),
    taskLines(db, and(open, gte(tasks.dueAt, tomorrow), lt(tasks.dueAt, weekEnd))),
    taskLines(db, and(mine(userId), eq(tasks.status, "done"), gte(tasks.completedAt, yesterday), lt(tasks.completedAt, today))),
    db
      .select({ n: count() })
      .from(messages)
      .where(and(eq(messages.userId, userId), isNull(messages.readAt), isNull(messages.deletedAt), inArray(messages.priority, ["high", "urgent"]))),
    openIncidents(db, userId),
  ]);
  return { dueToday, overdue, dueThisWeek, completedYesterday, unreadHighPriority: unread?.n ?? 0, openIncidents: incidents };
}

/** The weekly digest: completions this week against last week, and what is open. */
export async function composeWeeklyDigest(db: Queryable, userId: string, now: Date, timeZone: string): Promise<WeeklyDigest> {
  const today = startOfLocalDay(now, timeZone);
  const weekAgo = addLocalDays(now, -7, timeZone);
  const twoWeeksAgo = addLocalDays(now, -14, timeZone);
  const counted = async (where: ReturnType<typeof and>) => (await db.select({ n: count() }).from(tasks).where(where))[0]?.n ?? 0;
  const [completedThisWeek, completedLastWeek, createdThisWeek, open, overdue] = await Promise.all([
    counted(and(mine(userId), eq(tasks.status, "done"), gte(tasks.completedAt, weekAgo), lt(tasks.completedAt, today))),
    counted(and(mine(userId), eq(tasks.status, "done"), gte(tasks.completedAt, twoWeeksAgo), lt(tasks.completedAt, weekAgo))),
    counted(and(mine(userId), gte(tasks.createdAt, weekAgo), lt(tasks.createdAt, today))),
    counted(and(mine(userId), ne(tasks.status, "done"))),
    counted(and(mine(userId), ne(tasks.status, "done"), lt(tasks.dueAt, today))),
  ]);
  return { completedThisWeek, completedLastWeek, createdThisWeek, open, overdue };
}

function section(name: string, lines: TaskLine[], timeZone: string): string[] {
  if (lines.length === 0) return [];
  const when = (d: Date | null) => (d ? ` (${toFloating(d, timeZone).toISOString().slice(0, 16).replace("T", " ")})` : "");
  return [`${name} (${lines.length}):`, ...lines.map((line) => `- ${line.title}${when(line.dueAt)}`), ""];
}

export function dailyDigestText(digest: DailyDigest, timeZone: string): string | null {
  const lines = [
    ...section("Due today", digest.dueToday, timeZone),
    ...section("Overdue", digest.overdue, timeZone),
    ...section("Due this week", digest.dueThisWeek, timeZone),
    ...section("Completed yesterday", digest.completedYesterday, timeZone),
    ...(digest.openIncidents.length > 0 ? [`Open incidents (${digest.openIncidents.length}):`, ...digest.openIncidents.map((room) => `- [${room.severity}] ${room.title} (${room.status})`), ""] : []),
    ...(digest.unreadHighPriority > 0 ? [`Unread high-priority messages: ${digest.unreadHighPriority}`] : []),
  ];
  return lines.length === 0 ? null : lines.join("\n").trim();
}

export function weeklyDigestText(digest: WeeklyDigest): string | null {
  if (digest.completedThisWeek + digest.completedLastWeek + digest.createdThisWeek + digest.open === 0) return null;
  const delta = digest.completedThisWeek - digest.completedLastWeek;
  const trend = delta > 0 ? `up ${delta} from last week` : delta < 0 ? `down ${-delta} from last week` : "the same as last week";
  return [
    `Completed this week: ${digest.completedThisWeek} (${trend})`,
    `Created this week: ${digest.createdThisWeek}`,
    `Open: ${digest.open}, of which overdue: ${digest.overdue}`,
  ].join("\n");
}

/**
 * Sends every digest that is due at `now` (the digest tick, every few
 * minutes). Each user's next due instant is computed in their zone, so 08:00
 * stays 08:00 local across daylight-saving changes. A digest is a
 * notification like any other, keyed by user and local date, so a tick that
 * runs twice sends it once; an empty digest sends nothing and only moves
 * the schedule on.
 */
export async function runDigests(db: Database, now: Date, boss: PgBoss): Promise<{ sent: number; empty: number }> {
  // Users who never saved a schedule get the defaults.
  const fresh = await db
    .select({ id: users.id })
    .from(users)
    .where(and(isNull(users.deactivatedAt), notExists(db.select({ one: sql`1` }).from(notificationSettings).where(eq(notificationSettings.userId, users.id)))))
    .limit(500);
  for (const user of fresh) await updateSettings(db, user.id, {}, now);

  const result = { sent: 0, empty: 0 };
  for (const kind of ["daily", "weekly"] as const) {
    const column = kind === "daily" ? notificationSettings.nextDailyAt : notificationSettings.nextWeeklyAt;
    const due = await db.select({ userId: notificationSettings.userId }).from(notificationSettings).where(and(isNotNull(column), lte(column, now))).limit(500);
    for (const { userId } of due) {
      const sent = await db.transaction(async (tx) => {
        const [claimed] = await tx.select().from(notificationSettings).where(and(eq(notificationSettings.userId, userId), lte(column, now))).for("update", { skipLocked: true });
        if (!claimed) return null;
        const settings = await getSettings(tx, userId);
        const zone = settings.timezone;
        const scheduled = (kind === "daily" ? claimed.nextDailyAt : claimed.nextWeeklyAt)!;
        const text = kind === "daily" ? dailyDigestText(await composeDailyDigest(tx, userId, now, zone), zone) : weeklyDigestText(await composeWeeklyDigest(tx, userId, now, zone));
        const after = new Date(Math.max(now.getTime(), scheduled.getTime()) + 60_000);
        const next = kind === "daily" ? nextLocalTime(after, settings.digestTime, zone) : nextLocalWeekday(after, settings.weeklyDay, settings.digestTime, zone);
        await tx.update(notificationSettings).set(kind === "daily" ? { nextDailyAt: next, updatedAt: now } : { nextWeeklyAt: next, updatedAt: now }).where(eq(notificationSettings.userId, userId));
        if (!text) return false;
        const type = kind === "daily" ? ("digest.daily" as const) : ("digest.weekly" as const);
        const channels = await channelsFor(tx, userId, type);
        if (channels.length === 0) return false;
        const localDate = toFloating(scheduled, zone).toISOString().slice(0, 10);
        const [row] = await tx
          .insert(notifications)
          .values({ id: newId("ntf"), userId, type, eventId: `digest:${kind}:${localDate}`, title: kind === "daily" ? `Your day: ${localDate}` : `Your week to ${localDate}`, body: text, url: "/tasks", createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .returning({ id: notifications.id });
        if (!row) return false;
        const deliveries = await tx
          .insert(notificationDeliveries)
          .values(channels.map((channel) => ({ id: newId("ndl"), notificationId: row.id, channel, status: channel === "in_app" ? ("sent" as const) : ("pending" as const), sentAt: channel === "in_app" ? now : null })))
          .returning({ id: notificationDeliveries.id, channel: notificationDeliveries.channel });
        await enqueueInTx(
          tx,
          boss,
          deliveries.filter((d) => d.channel !== "in_app").map((d) => ({ name: CHANNEL_QUEUE, id: jobIdFor(`${d.id}:send`), data: { deliveryId: d.id } })),
        );
        return true;
      });
      if (sent === true) result.sent++;
      else if (sent === false) result.empty++;
    }
  }
  return result;
}
