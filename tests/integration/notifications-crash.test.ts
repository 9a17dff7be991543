import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, setConfig } from "@/lib/config/env";
import { getDatabase, setDatabase, type DatabaseHandle } from "@/lib/db/client";
import { notificationDeliveries, notifications } from "@/lib/db/schema/notifications";
import { outboxEvents } from "@/lib/db/schema/platform";
import { users } from "@/lib/db/schema/users";
import { dispatcherJobs } from "@/lib/jobs/dispatcher";
import { notificationsConsumer } from "@/lib/notifications/consumer";
import { CHANNEL_QUEUE } from "@/lib/notifications/deliver";
import { notificationJobs } from "@/lib/notifications/jobs";
import { createTask } from "@/lib/tasks/create";
import { createUser } from "@/lib/users/users";
import { expireAbandonedJobs, startTestJobs } from "@/tests/helpers/jobs";
import { createPrivateDatabase } from "@/tests/helpers/private-database";
import { startSmtpSink } from "@/tests/helpers/smtp-sink";
import { waitFor } from "@/tests/helpers/wait";

/**
 * The notifications pipeline with real pg-boss workers and a real SMTP server
 * (smtp-server on a port from the OS), on a database of this file's own: an
 * instance is killed in the middle of dispatching, another starts, and each
 * assignment reaches each channel exactly once.
 */
let privateDb: Awaited<ReturnType<typeof createPrivateDatabase>>;
let shared: DatabaseHandle;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
const savedConfig = getConfig();

beforeAll(async () => {
  shared = getDatabase();
  privateDb = await createPrivateDatabase();
  setDatabase(privateDb.handle);
  sink = await startSmtpSink();
  setConfig({ ...savedConfig, SMTP_URL: sink.url });
});
afterAll(async () => {
  setConfig(savedConfig);
  await sink.stop();
  setDatabase(shared);
  await privateDb.drop();
});

// Short expiry and retry delay, so a job abandoned by the killed instance comes back quickly.
const consumer = { ...notificationsConsumer, expireInSeconds: 2, retryDelaySeconds: 1 };

describe("notification channels across a crash", () => {
  it("delivers each assignment exactly once in-app and by SMTP when the dispatcher is killed mid-way and restarted", async () => {
    const db = privateDb.handle.db;
    const alice = await createUser(db, { email: "alice@notify.test", name: "Alice", password: "correct horse battery", role: "member" });
    // One assignee per task: assignments to one person within minutes would collapse into one notification (grouping).
    const taskIds: string[] = [];
    const assignees: string[] = [];
    for (let i = 0; i < 12; i++) {
      const assignee = await createUser(db, { email: `bob${i}@notify.test`, name: `Bob ${i}`, password: "correct horse battery", role: "member" });
      await db.update(users).set({ timezone: "Europe/Berlin" }).where(eq(users.id, assignee.id));
      assignees.push(assignee.id);
      taskIds.push((await createTask(db, alice.id, { title: `Incident follow-up ${i}`, assigneeId: assignee.id })).id);
    }

    // Instance A dispatches one batch, then dies while claiming the second.
    let batches = 0;
    let killed!: () => void;
    const died = new Promise<void>((resolve) => (killed = resolve));
    const instanceA = await startTestJobs({
      databaseUrl: privateDb.url,
      runWorkers: true,
      registrars: [
        notificationJobs,
        dispatcherJobs({
          consumers: [consumer],
          batchSize: 4,
          pollIntervalMs: 60_000,
          afterClaim: () => {
            batches++;
            if (batches === 2) {
              killed();
              throw new Error("instance A killed");
            }
          },
        }),
      ],
    });
    await died;
    await waitFor(async () => (await db.select({ n: count() }).from(notifications))[0]!.n >= 1, 10_000);
    await instanceA.stop({ graceful: false });
    const [pending] = await db.select({ n: count() }).from(outboxEvents).where(sql`dispatched_at is null`);
    expect(pending!.n).toBeGreaterThan(0);

    const instanceB = await startTestJobs({ databaseUrl: privateDb.url, runWorkers: true, registrars: [notificationJobs, dispatcherJobs({ consumers: [consumer], batchSize: 4, pollIntervalMs: 200 })] });
    // Jobs A held when it died come back once they expire (the send queue's expiry is brought forward).
    const expireAbandoned = () => expireAbandonedJobs(db, instanceB.boss, [CHANNEL_QUEUE]);
    try {
      await waitFor(
        async () => {
          await expireAbandoned();
          const [sent] = await db.select({ n: count() }).from(notificationDeliveries).where(eq(notificationDeliveries.status, "sent"));
          return sent!.n === 36 && sink.received.length >= 12;
        },
        40_000,
        200,
      );
      // Let any duplicate job run before counting. A job A abandoned after its
      // send committed is still active here, however fast B delivered the rest.
      await waitFor(async () => {
        await expireAbandoned();
        await db.execute(sql`update pgboss.job set start_after = now() where name in ('outbox-notifications', 'notification-send') and state = 'retry'`);
        const result = await db.execute(sql`select count(*)::int as n from pgboss.job where name in ('outbox-notifications', 'notification-send') and state in ('created', 'retry', 'active')`);
        return (result.rows[0] as { n: number }).n === 0;
      }, 15_000);

      const rows = await db.select().from(notifications);
      expect(rows.map((row) => row.data.taskId).sort()).toEqual([...taskIds].sort());
      expect(rows.map((row) => row.userId).sort()).toEqual([...assignees].sort());
      const deliveries = await db.select({ channel: notificationDeliveries.channel, status: notificationDeliveries.status }).from(notificationDeliveries);
      for (const channel of ["in_app", "push", "email"]) expect(deliveries.filter((d) => d.channel === channel && d.status === "sent")).toHaveLength(12);

      // Exactly one email per assignment reached the SMTP server, to its assignee, with the plain text and the HTML part.
      expect(sink.received).toHaveLength(12);
      expect(new Set(sink.received.map((mail) => mail.messageId)).size).toBe(12);
      for (const mail of sink.received) {
        const n = mail.raw.match(/Incident follow-up (\d+)/)![1];
        expect(mail.to).toEqual([`bob${n}@notify.test`]);
        expect(mail.raw).toContain("text/plain");
        expect(mail.raw).toContain("text/html");
        // One-click unsubscribe (RFC 8058): the signed link as List-Unsubscribe, and the header that says a POST does it.
        expect(mail.raw).toMatch(/^List-Unsubscribe:\s+<https?:\/\/[^>]+\/api\/v1\/notifications\/unsubscribe\?token=[^>]+>/m);
        expect(mail.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
      }
      const titles = sink.received.map((mail) => mail.raw.match(/Incident follow-up \d+/)?.[0]).sort();
      expect(titles).toEqual(Array.from({ length: 12 }, (_, i) => `Incident follow-up ${i}`).sort());
      // Alice assigned them and gets nothing.
      expect(rows.some((row) => row.userId === alice.id)).toBe(false);
    } finally {
      await instanceB.stop();
    }
  }, 120_000);
});
