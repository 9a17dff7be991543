import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { getDb, type Database, type Queryable } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { devices, messages, retentionRules, retentionRuns } from "@/lib/db/schema/inbox";
import { users } from "@/lib/db/schema/users";
import { AppError } from "@/lib/http/errors";
import { getConfig } from "@/lib/config/env";
import { startWorker, type JobRegistrar } from "@/lib/jobs/boss";
import { recordEvents } from "@/lib/jobs/outbox";
import { getLogger } from "@/lib/log/logger";
import { publish } from "@/lib/realtime/publish";
import { lockPositions, reservePositions } from "@/lib/sync/positions";
import { messageColumns, toSyncChange } from "@/lib/messages/view";

/**
 * Retention: "delete messages older than N days", per user and optionally
 * per device (a device's rule overrides the user's for that device).
 *
 * Removing a message here means what a soft delete means, plus its content
 * is erased: the row becomes a tombstone (deleted_at, expired_at, empty
 * sender/body/title/metadata/attachments/tags) with a new change position,
 * so sync clients drop it too. The tombstone keeps its dedupe keys, so a
 * phone re-sending an expired message does not bring it back.
 *
 * Each run records, for every user with a rule, when it ran and how many
 * messages it removed; the settings return it as `lastRun`.
 */
export type RetentionSettings = {
  days: number | null;
  devices: Array<{ deviceId: string; days: number }>;
  lastRun: { at: Date; removed: number } | null;
};

export async function getRetention(db: Queryable, userId: string): Promise<RetentionSettings> {
  const [rules, [run]] = await Promise.all([
    db.select().from(retentionRules).where(eq(retentionRules.userId, userId)).orderBy(asc(retentionRules.createdAt)),
    db.select({ at: retentionRuns.ranAt, removed: retentionRuns.removed }).from(retentionRuns).where(eq(retentionRuns.userId, userId)),
  ]);
  return {
    days: rules.find((rule) => rule.deviceId === null)?.days ?? null,
    devices: rules.flatMap((rule) => (rule.deviceId ? [{ deviceId: rule.deviceId, days: rule.days }] : [])),
    lastRun: run ?? null,
  };
}

/** Sets the user's rule (days: null removes it) and per-device rules; a device that is not the user's is a 404. */
export async function putRetention(
  db: Database,
  userId: string,
  input: { days?: number | null; devices?: Array<{ deviceId: string; days: number | null }> },
): Promise<RetentionSettings> {
  await db.transaction(async (tx) => {
    if (input.days !== undefined) await setRule(tx, userId, null, input.days);
    const deviceIds = [...new Set((input.devices ?? []).map((rule) => rule.deviceId))];
    if (deviceIds.length > 0) {
      const owned = await tx
        .select({ id: devices.id })
        .from(devices)
        .where(and(eq(devices.userId, userId), inArray(devices.id, deviceIds)));
      const ownedIds = new Set(owned.map((row) => row.id));
      const unknown = deviceIds.find((id) => !ownedIds.has(id));
      if (unknown) throw new AppError("not_found", `Device ${unknown} not found`);
    }
    for (const rule of input.devices ?? []) await setRule(tx, userId, rule.deviceId, rule.days);
  });
  return getRetention(db, userId);
}

async function setRule(db: Queryable, userId: string, deviceId: string | null, days: number | null): Promise<void> {
  const scope = and(eq(retentionRules.userId, userId), sql`coalesce(${retentionRules.deviceId}, '') = ${deviceId ?? ""}`);
  if (days === null) {
    await db.delete(retentionRules).where(scope);
    return;
  }
  // The conflict target names the expression index, so a user-wide rule (device null) upserts too.
  await db.execute(sql`
    insert into ${retentionRules} (id, user_id, device_id, days) values (${newId("rtn")}, ${userId}, ${deviceId}, ${days})
    on conflict (user_id, (coalesce(device_id, ''))) do update set days = excluded.days, updated_at = now()
  `);
}

export type RetentionReport = { users: number; removed: number; byUser: Array<{ userId: string; removed: number }> };

const BATCH = 1000;

/**
 * Applies every rule as of `now`: each expired message becomes an erased
 * tombstone (see above). Works per user in batches of 1000 rows, each in its
 * own short transaction, and returns what it removed.
 */
export async function applyRetention(db: Database, now: Date): Promise<RetentionReport> {
  const owners = await db.selectDistinct({ userId: retentionRules.userId }).from(retentionRules);
  const byUser: RetentionReport["byUser"] = [];
  for (const { userId } of owners) {
    let removed = 0;
    for (;;) {
      const batch = await expireBatch(db, userId, now);
      removed += batch;
      if (batch < BATCH) break;
    }
    if (removed > 0) byUser.push({ userId, removed });
    await recordRun(db, userId, removed);
  }
  const report = { users: byUser.length, removed: byUser.reduce((sum, entry) => sum + entry.removed, 0), byUser };
  getLogger().info({ users: report.users, removed: report.removed }, "retention applied");
  return report;
}

/** Upserts the user's last run; a user deleted meanwhile has none to record. */
async function recordRun(db: Queryable, userId: string, removed: number): Promise<void> {
  await db.execute(sql`
    insert into ${retentionRuns} (user_id, ran_at, removed)
    select ${userId}, now(), ${removed} where exists (select 1 from ${users} where ${users.id} = ${userId})
    on conflict (user_id) do update set ran_at = excluded.ran_at, removed = excluded.removed
  `);
}

async function expireBatch(db: Database, userId: string, now: Date): Promise<number> {
  const expired = await db.transaction(async (tx) => {
    // The counter before the rows, as every writer of the stream takes them (lib/sync).
    await lockPositions(tx, userId, "messages");
    // A message's cutoff is its device's rule when there is one, else the user's.
    const targets = await tx.execute<{ id: string }>(sql`
      select m.id from ${messages} m
      left join ${retentionRules} d on d.user_id = m.user_id and d.device_id = m.device_id
      left join ${retentionRules} u on u.user_id = m.user_id and u.device_id is null
      where m.user_id = ${userId}
        and m.expired_at is null
        and coalesce(d.days, u.days) is not null
        and m.received_at < ${now}::timestamptz - make_interval(days => coalesce(d.days, u.days))
      order by m.received_at
      limit ${BATCH}
      for update of m
    `);
    const ids = targets.rows.map((row) => row.id);
    if (ids.length === 0) return [];
    const first = await reservePositions(tx, userId, "messages", ids.length);
    const positions = ids.map((_, index) => first + index);
    const rows = await tx
      .update(messages)
      .set({
        deletedAt: sql`coalesce(${messages.deletedAt}, now())`,
        expiredAt: sql`now()`,
        sender: "",
        recipient: null,
        body: "",
        title: null,
        app: null,
        threadKey: null,
        tags: [],
        metadata: {},
        attachments: [],
        changePosition: sql`v.position`,
        updatedAt: sql`now()`,
      })
      .from(sql`unnest(${sql.param(ids)}::text[], ${sql.param(positions)}::bigint[]) as v(id, position)`)
      .where(and(eq(messages.userId, userId), sql`${messages.id} = v.id`, isNull(messages.expiredAt)))
      .returning(messageColumns);
    await recordEvents(
      tx,
      rows.map((row) => ({ type: "message.updated", userId, data: { messageId: row.id, change: "deleted", reason: "retention", position: row.changePosition } })),
    );
    return rows;
  });
  for (const row of expired) publish(`user:${userId}`, "hub:message:updated", { message: toSyncChange(row), change: "deleted", position: row.changePosition });
  return expired.length;
}

export const RETENTION_QUEUE = "inbox.retention";

/** Runs applyRetention on the RETENTION_SCHEDULE cron, on worker instances. */
export const retentionJobs: JobRegistrar = async (boss, { runWorkers }) => {
  await boss.createQueue(RETENTION_QUEUE);
  if (!runWorkers) return;
  await boss.schedule(RETENTION_QUEUE, getConfig().RETENTION_SCHEDULE);
  await startWorker(boss, RETENTION_QUEUE, {}, async () => {
    const report = await applyRetention(getDb(), new Date());
    return { users: report.users, removed: report.removed };
  });
};
