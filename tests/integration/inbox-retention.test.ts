import { describe, expect, inject, it } from "vitest";
import { eq } from "drizzle-orm";
import { GET as getRetention, PUT as putRetention } from "@/app/api/v1/settings/retention/route";
import { GET as listMessages, POST as postMessages } from "@/app/api/v1/messages/route";
import { GET as getMessage } from "@/app/api/v1/messages/[id]/route";
import { GET as syncMessages } from "@/app/api/v1/sync/messages/route";
import { getDb } from "@/lib/db/client";
import { messages } from "@/lib/db/schema/inbox";
import { startJobs } from "@/lib/jobs/boss";
import { applyRetention, RETENTION_QUEUE, retentionJobs } from "@/lib/messages/retention";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { makeDevice, sms } from "@/tests/helpers/inbox";
import { blockedBehind, changeUnderCounter, holdCounter, releaseHeldCounters } from "@/tests/helpers/locks";

const DAY = 24 * 3600 * 1000;
const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY).toISOString();

async function post(key: string, body: Record<string, unknown>): Promise<string> {
  const result = await call(postMessages, { key, body });
  if (result.status !== 201) throw new Error(`${result.status} ${result.text}`);
  return result.body.message.id;
}

releaseHeldCounters();

describe("retention", () => {
  it("stores the user's rule and per-device rules; another user's device is a 404", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const phone = await makeDevice(alice);
    const bobs = await makeDevice(bob);
    expect((await call(getRetention, { key: alice.key })).body).toEqual({ days: null, devices: [], lastRun: null });
    const put = await call(putRetention, { method: "PUT", key: alice.key, body: { days: 30, devices: [{ deviceId: phone.id, days: 365 }] } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ days: 30, devices: [{ deviceId: phone.id, days: 365 }], lastRun: null });
    // Upserts, and null removes.
    expect((await call(putRetention, { method: "PUT", key: alice.key, body: { days: 60 } })).body).toEqual({ days: 60, devices: [{ deviceId: phone.id, days: 365 }], lastRun: null });
    expect((await call(putRetention, { method: "PUT", key: alice.key, body: { devices: [{ deviceId: phone.id, days: null }] } })).body).toEqual({ days: 60, devices: [], lastRun: null });
    expect((await call(putRetention, { method: "PUT", key: alice.key, body: { devices: [{ deviceId: bobs.id, days: 1 }] } })).status).toBe(404);
    expect((await call(putRetention, { method: "PUT", key: alice.key, body: { days: 0 } })).status).toBe(422);
    expect((await call(getRetention, { key: bob.key })).body).toEqual({ days: null, devices: [], lastRun: null });
    // A phone's key holds messages:write for ingest, but cannot set the rule that deletes messages.
    const refused = await call(putRetention, { method: "PUT", key: phone.key, body: { days: 1 } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/device's API key/);
    expect((await call(getRetention, { key: alice.key })).body).toEqual({ days: 60, devices: [], lastRun: null });
  });

  it("removes exactly the messages older than their rule, device rules overriding the user's", async () => {
    const now = new Date();
    const alice = await makeUser();
    const bob = await makeUser();
    const carol = await makeUser();
    const main = await makeDevice(alice, { name: "main" });
    const archive = await makeDevice(alice, { name: "archive" });
    const noisy = await makeDevice(alice, { name: "noisy" });
    await call(putRetention, { method: "PUT", key: alice.key, body: { days: 30, devices: [{ deviceId: archive.id, days: 365 }, { deviceId: noisy.id, days: 7 }] } });
    const carolPhone = await makeDevice(carol);
    const carolOther = await makeDevice(carol, { name: "other" });
    await call(putRetention, { method: "PUT", key: carol.key, body: { devices: [{ deviceId: carolPhone.id, days: 1 }] } });

    const gone = [
      await post(main.key, sms({ body: "main 40d", receivedAt: daysAgo(now, 40) })),
      await post(noisy.key, sms({ body: "noisy 10d", receivedAt: daysAgo(now, 10) })),
      await post(alice.key, sms({ body: "no device 31d", receivedAt: daysAgo(now, 31) })),
      await post(carolPhone.key, sms({ body: "carol phone 2d", receivedAt: daysAgo(now, 2) })),
    ];
    const kept = [
      await post(main.key, sms({ body: "main 10d", receivedAt: daysAgo(now, 10) })),
      await post(archive.key, sms({ body: "archive 40d", receivedAt: daysAgo(now, 40) })),
      await post(noisy.key, sms({ body: "noisy 1d", receivedAt: daysAgo(now, 1) })),
      await post(bob.key, sms({ body: "bob 400d", receivedAt: daysAgo(now, 400) })),
      await post(carolOther.key, sms({ body: "carol other 400d", receivedAt: daysAgo(now, 400) })),
    ];
    const aliceCursor = (await call(syncMessages, { key: alice.key })).body.cursor;

    const report = await applyRetention(getDb(), now);
    const mine = report.byUser.filter((entry) => [alice.user.id, bob.user.id, carol.user.id].includes(entry.userId));
    expect(mine.sort((a, b) => a.userId.localeCompare(b.userId))).toEqual(
      [
        { userId: alice.user.id, removed: 3 },
        { userId: carol.user.id, removed: 1 },
      ].sort((a, b) => a.userId.localeCompare(b.userId)),
    );

    for (const [id, user] of [
      [gone[0], alice],
      [gone[1], alice],
      [gone[2], alice],
      [gone[3], carol],
    ] as const) {
      expect((await call(getMessage, { key: user.key, params: { id: id! } })).status).toBe(404);
      const [row] = await getDb().select().from(messages).where(eq(messages.id, id!));
      expect(row).toMatchObject({ body: "", sender: "", title: null, metadata: {} });
      expect(row!.expiredAt).not.toBeNull();
      expect(row!.deletedAt).not.toBeNull();
    }
    for (const [id, user] of [
      [kept[0], alice],
      [kept[1], alice],
      [kept[2], alice],
      [kept[3], bob],
      [kept[4], carol],
    ] as const) {
      expect((await call(getMessage, { key: user.key, params: { id: id! } })).status).toBe(200);
    }
    expect((await call(listMessages, { key: alice.key })).body.data.map((m: any) => m.body).sort()).toEqual(["archive 40d", "main 10d", "noisy 1d"]);

    // Sync clients learn of each removal as a tombstone.
    const changes = (await call(syncMessages, { key: alice.key, query: { since: aliceCursor } })).body.changes;
    expect(changes.map((c: any) => [c.id, c.deleted, c.body]).sort()).toEqual(gone.slice(0, 3).map((id) => [id, true, ""]).sort());

    // Each owner of a rule sees their own last run; a user with no rule has none.
    const lastRun = async (key: string) => (await call(getRetention, { key })).body.lastRun;
    const aliceRun = await lastRun(alice.key);
    expect(aliceRun.removed).toBe(3);
    expect(Math.abs(Date.parse(aliceRun.at) - Date.now())).toBeLessThan(60_000);
    expect((await lastRun(carol.key)).removed).toBe(1);
    expect(await lastRun(bob.key)).toBeNull();

    // A second run finds nothing, and says so; a phone re-sending an expired message does not bring it back.
    const again = await applyRetention(getDb(), now);
    expect(again.byUser.filter((entry) => entry.userId === alice.user.id)).toEqual([]);
    const secondRun = await lastRun(alice.key);
    expect(secondRun.removed).toBe(0);
    expect(Date.parse(secondRun.at)).toBeGreaterThan(Date.parse(aliceRun.at));
    const resent = await call(postMessages, { key: main.key, body: sms({ body: "main 40d", receivedAt: daysAgo(now, 40), sender: "+15550000001" }) });
    expect(resent.status).toBe(200);
    expect(resent.body.message.id).toBe(gone[0]);
  });

  it("runs as a scheduled pg-boss job that reports what it removed", async () => {
    const alice = await makeUser();
    await call(putRetention, { method: "PUT", key: alice.key, body: { days: 1 } });
    const old = await post(alice.key, sms({ receivedAt: daysAgo(new Date(), 3) }));
    const boss = await startJobs(inject("databaseUrl"), { registrars: [retentionJobs], runWorkers: true, max: 2 });
    try {
      const schedules = await boss.getSchedules();
      expect(schedules.map((schedule) => [schedule.name, schedule.cron])).toContainEqual([RETENTION_QUEUE, "17 * * * *"]);
      const jobId = await boss.send(RETENTION_QUEUE, {});
      expect(jobId).toBeTruthy();
      let job = await boss.getJobById(RETENTION_QUEUE, jobId!);
      for (let i = 0; i < 60 && job?.state !== "completed" && job?.state !== "failed"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        job = await boss.getJobById(RETENTION_QUEUE, jobId!);
      }
      expect(job?.state).toBe("completed");
      expect((job?.output as { removed: number }).removed).toBeGreaterThanOrEqual(1);
      expect((await call(getMessage, { key: alice.key, params: { id: old } })).status).toBe(404);
    } finally {
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    }
  });

  // Lock order (tests/helpers/locks.ts): on PostgreSQL, where a pass and a change can wait on each other.
  it.skipIf(inject("databaseKind") !== "postgres")("a retention pass waits for the counter before it locks any row, so a single change under the counter finishes", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const old = "2020-01-01T00:00:00Z";
    const ids = [await post(phone.key, sms({ body: "old one", receivedAt: old })), await post(phone.key, sms({ body: "old two", receivedAt: old }))];
    expect((await call(putRetention, { method: "PUT", key: alice.key, body: { days: 30 } })).status).toBe(200);

    const holder = await holdCounter(alice);
    const pass = applyRetention(getDb(), new Date());
    await blockedBehind(holder);
    await changeUnderCounter(holder, ids[0]!);

    const report = await pass;
    expect(report.byUser.find((entry) => entry.userId === alice.user.id)).toEqual({ userId: alice.user.id, removed: 2 });
    expect((await call(getMessage, { key: alice.key, params: { id: ids[0]! } })).status).toBe(404);
  });
});
