import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { GET as listMessages, POST as postMessages } from "@/app/api/v1/messages/route";
import { GET as getMessage } from "@/app/api/v1/messages/[id]/route";
import { connectDatabase, getDb, ownSessions } from "@/lib/db/client";
import { verifyApiKey } from "@/lib/auth/api-keys";
import { ingestMessages } from "@/lib/messages/ingest";
import { messages } from "@/lib/db/schema/inbox";
import { outboxEvents } from "@/lib/db/schema/platform";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { countStored, makeDevice, sms } from "@/tests/helpers/inbox";
import { messageInputSchema } from "@/lib/messages/schemas";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";

function expect422(result: { status: number; body: any }, paths: string[]) {
  expect(result.status).toBe(422);
  const got = result.body.errors.map((e: { path: string }) => e.path);
  for (const path of paths) expect(got).toContain(path);
}

describe("inbox ingest: POST /api/v1/messages", () => {
  it("stores one message (201) and answers a retry with the stored copy (200)", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const input = sms({ externalId: "sms-1", title: "Bank", app: "com.android.mms", simSlot: 1, threadKey: "t-1", priority: "high", tags: ["Work", "work", "2fa"], metadata: { carrier: "X" } });
    const first = await call(postMessages, { key: phone.key, body: input });
    expect(first.status).toBe(201);
    expect(first.body.message).toMatchObject({ deviceId: phone.id, source: "api", externalId: "sms-1", sender: input.sender, body: input.body, priority: "high", tags: ["work", "2fa"], metadata: { carrier: "X" }, read: false, simSlot: 1 });
    expect(first.body.message.id).toMatch(/^msg_/);
    expect(first.body.message.position).toBeGreaterThan(0);

    const retry = await call(postMessages, { key: phone.key, body: { ...input, body: "changed text, same id" } });
    expect(retry.status).toBe(200);
    expect(retry.body.message.id).toBe(first.body.message.id);
    expect(retry.body.message.body).toBe(input.body);
    expect(await countStored(alice.user.id)).toBe(1);

    const fetched = await call(getMessage, { key: alice.key, params: { id: first.body.message.id } });
    expect(fetched.status).toBe(200);
    expect(fetched.body.message.body).toBe(input.body);
  });

  it("dedupes a message without externalId by sender, body and receivedAt to the second", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const base = { type: "sms", sender: "+15551112222", body: "Your code is 1234" };
    const a = await call(postMessages, { key: phone.key, body: { ...base, receivedAt: "2026-03-01T10:00:05.100Z" } });
    // The same instant written with another offset and other milliseconds in that second.
    const b = await call(postMessages, { key: phone.key, body: { ...base, receivedAt: "2026-03-01T11:00:05.900+01:00" } });
    const c = await call(postMessages, { key: phone.key, body: { ...base, receivedAt: "2026-03-01T10:00:06.000Z" } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.message.id).toBe(a.body.message.id);
    expect(c.status).toBe(201);
    // The same content from another device is that device's message.
    const tablet = await makeDevice(alice, { name: "Tablet" });
    expect((await call(postMessages, { key: tablet.key, body: { ...base, receivedAt: "2026-03-01T10:00:05.100Z" } })).status).toBe(201);
    expect(await countStored(alice.user.id)).toBe(3);
  });

  it("dedupes messages posted with a user's key (no device) too", async () => {
    const alice = await makeUser();
    const input = sms({ externalId: "cli-1" });
    expect((await call(postMessages, { key: alice.key, body: input })).status).toBe(201);
    const again = await call(postMessages, { key: alice.key, body: input });
    expect(again.status).toBe(200);
    expect(again.body.message.deviceId).toBeNull();
    const noId = sms();
    expect((await call(postMessages, { key: alice.key, body: noId })).status).toBe(201);
    expect((await call(postMessages, { key: alice.key, body: noId })).status).toBe(200);
    expect(await countStored(alice.user.id)).toBe(2);
  });

  it("stores timestamps with any offset or in epoch ms as UTC", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const cases: Array<[unknown, string]> = [
      ["2024-06-22T15:46:11.000+07:00", "2024-06-22T08:46:11.000Z"],
      ["2024-06-22T15:46:11-0330", "2024-06-22T19:16:11.000Z"],
      ["2024-06-22T08:46:11Z", "2024-06-22T08:46:11.000Z"],
      [1719045971123, "2024-06-22T08:46:11.123Z"],
    ];
    for (const [receivedAt, utc] of cases) {
      const result = await call(postMessages, { key: phone.key, body: sms({ receivedAt, sentAt: receivedAt }) });
      expect(result.status).toBe(201);
      expect(result.body.message.receivedAt).toBe(utc);
      expect(result.body.message.sentAt).toBe(utc);
    }
    const noOffset = await call(postMessages, { key: phone.key, body: sms({ receivedAt: "2024-06-22T15:46:11" }) });
    expect422(noOffset, ["body.receivedAt"]);
    const seconds = await call(postMessages, { key: phone.key, body: sms({ receivedAt: 1719045971 }) });
    expect422(seconds, ["body.receivedAt"]);
  });

  it("answers with the message exactly as a later read returns it", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    // jsonb reorders keys and respells numbers; text, tags and times are kept as sent.
    const input = sms({
      externalId: "exact-1",
      sender: "  Bank ",
      recipient: "+15550009999",
      body: "Line one\n  two  😀 ünïcödé",
      title: "Title",
      app: "com.android.mms",
      simSlot: 2,
      threadKey: "thread-9",
      priority: "urgent",
      tags: ["b", "a"],
      metadata: { zeta: 1.5e2, alpha: { b: 2, a: 1.0 }, list: [3, "x", null] },
      attachments: [{ name: "a.jpg", contentType: "image/jpeg", size: 12 }],
      receivedAt: "2026-03-01T10:00:05.123+02:00",
      sentAt: 1772352000999,
    });
    const created = await call(postMessages, { key: phone.key, body: input });
    expect(created.status).toBe(201);
    const fetched = await call(getMessage, { key: alice.key, params: { id: created.body.message.id } });
    expect(fetched.status).toBe(200);
    expect(JSON.stringify(created.body.message)).toBe(JSON.stringify(fetched.body.message));

    const [stored] = await ingestMessages(getDb(), { userId: alice.user.id, deviceId: phone.id, source: "api" }, [messageInputSchema.parse(sms({ metadata: { b: 1, a: { d: 1, c: 2 } } }))]);
    const read = await call(getMessage, { key: alice.key, params: { id: stored!.message.id } });
    expect(JSON.stringify(stored!.message)).toBe(JSON.stringify(read.body.message));
  });

  it("strips control characters but keeps newlines, tabs and every other character as sent", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const body = "Line one\nLine\ttwo\u0000\u0007\u001b[31m\u007f <script>alert(1)</script> 😀 ünïcödé \u200b";
    const result = await call(postMessages, { key: phone.key, body: sms({ body, sender: "Bank\u0000", title: "T\u0008itle", metadata: { "k\u0000": "v\u0001", nested: ["a\u0002"] } }) });
    expect(result.status).toBe(201);
    expect(result.body.message.body).toBe("Line one\nLine\ttwo[31m <script>alert(1)</script> 😀 ünïcödé \u200b");
    expect(result.body.message.sender).toBe("Bank");
    expect(result.body.message.title).toBe("Title");
    expect(result.body.message.metadata).toEqual({ k: "v", nested: ["a"] });
    // A lone surrogate (valid JSON, not encodable as UTF-8) becomes U+FFFD instead of failing the insert.
    const lone = await call(postMessages, { key: phone.key, rawBody: '{"type":"sms","sender":"x","body":"a\\ud800b","receivedAt":1719045971000,"metadata":{"m":"\\u0000\\udc00"}}', headers: { "content-type": "application/json" } });
    expect(lone.status).toBe(201);
    expect(lone.body.message.body).toBe("a\ufffdb");
    expect(lone.body.message.metadata).toEqual({ m: "\ufffd" });
  });

  it("answers a batch with 201 when all are new and 207 with per-item results otherwise", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const one = sms({ externalId: "b-1" });
    const two = sms({ externalId: "b-2" });
    const fresh = await call(postMessages, { key: phone.key, body: { messages: [one, two] } });
    expect(fresh.status).toBe(201);
    expect(fresh.body.results.map((r: any) => r.status)).toEqual(["created", "created"]);

    const three = sms();
    const mixed = await call(postMessages, {
      key: phone.key,
      body: { messages: [one, { ...three }, { type: "fax", sender: "", body: 5 }, three, { ...two, body: "other" }] },
    });
    expect(mixed.status).toBe(207);
    const results = mixed.body.results;
    expect(results.map((r: any) => [r.index, r.status])).toEqual([
      [0, "duplicate"],
      [1, "created"],
      [2, "invalid"],
      [3, "duplicate"],
      [4, "duplicate"],
    ]);
    expect(results[0].id).toBe(fresh.body.results[0].id);
    expect(results[3].id).toBe(results[1].id);
    expect(results[2].errors.map((e: any) => e.path).sort()).toEqual(["body.messages.2.body", "body.messages.2.receivedAt", "body.messages.2.sender", "body.messages.2.type"]);
    expect(await countStored(alice.user.id)).toBe(3);
  });

  it("stores exactly one row for 50 parallel identical posts", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const input = sms();
    const results = await Promise.all(Array.from({ length: 50 }, () => call(postMessages, { key: phone.key, body: input })));
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.message.id)).size).toBe(1);
    expect(await countStored(alice.user.id)).toBe(1);

    const withId = sms({ externalId: "race-1" });
    const raced = await Promise.all(Array.from({ length: 50 }, () => call(postMessages, { key: phone.key, body: withId })));
    expect(raced.filter((r) => r.status === 201)).toHaveLength(1);
    expect(raced.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(await countStored(alice.user.id)).toBe(2);
  });

  it("stores each message of a batch exactly once when 50 identical batches race", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const batch = { messages: Array.from({ length: 20 }, (_, i) => sms(i % 2 === 0 ? { externalId: `race-batch-${i}` } : {})) };
    const results = await Promise.all(Array.from({ length: 50 }, () => call(postMessages, { key: phone.key, body: batch })));
    expect(results.every((r) => r.status === 201 || r.status === 207)).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const created = results.flatMap((r) => r.body.results.filter((x: any) => x.status === "created"));
    expect(created).toHaveLength(20);
    expect(await countStored(alice.user.id)).toBe(20);
    // Every response names the same 20 ids.
    const ids = new Set(results.flatMap((r) => r.body.results.map((x: any) => x.id)));
    expect(ids.size).toBe(20);
  });

  it("writes one message.received outbox event per new message, none for duplicates", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const input = sms();
    const first = await call(postMessages, { key: phone.key, body: input });
    await call(postMessages, { key: phone.key, body: input });
    const events = await getDb()
      .select()
      .from(outboxEvents)
      .where(and(eq(outboxEvents.userId, alice.user.id), eq(outboxEvents.type, "message.received")));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ messageId: first.body.message.id, deviceId: phone.id, position: first.body.message.position });
  });

  it("refuses bad input with a 4xx and field errors, and stores nothing", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const wrongTypes = await call(postMessages, { key: phone.key, body: { type: "sms", sender: 42, body: ["x"], receivedAt: true, tags: "a", priority: "max", simSlot: "1", metadata: [1] } });
    expect422(wrongTypes, ["body.sender", "body.body", "body.receivedAt", "body.tags", "body.priority", "body.simSlot", "body.metadata"]);
    expect422(await call(postMessages, { key: phone.key, body: {} }), ["body.type", "body.sender", "body.body", "body.receivedAt"]);
    expect422(await call(postMessages, { key: phone.key, body: sms({ type: "fax" }) }), ["body.type"]);
    expect422(await call(postMessages, { key: phone.key, body: sms({ body: "x".repeat(64 * 1024 + 1) }) }), ["body.body"]);
    // 64 KB counts bytes: 30,000 three-byte characters are 90 KB.
    expect422(await call(postMessages, { key: phone.key, body: sms({ body: "€".repeat(30_000) }) }), ["body.body"]);
    expect422(await call(postMessages, { key: phone.key, body: sms({ metadata: { blob: "y".repeat(17 * 1024) } }) }), ["body.metadata"]);
    // 100,000 levels deep: refused without exhausting the stack anywhere on the way.
    const deep = `${'{"d":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const deepBody = JSON.stringify(sms({ metadata: "DEEP" })).replace('"DEEP"', deep);
    expect422(await call(postMessages, { key: phone.key, rawBody: deepBody, headers: { "content-type": "application/json" } }), ["body.metadata"]);
    expect422(await call(postMessages, { key: phone.key, body: sms({ attachments: [{ contentType: "image/png", url: "javascript:alert(1)" }] }) }), ["body.attachments.0.url"]);
    expect422(await call(postMessages, { key: phone.key, body: [sms()] }), ["body"]);
    expect422(await call(postMessages, { key: phone.key, body: { messages: [] } }), ["body.messages"]);

    const twoMb = await call(postMessages, { key: phone.key, body: sms({ body: "z".repeat(2 * 1024 * 1024) }) });
    expect422(twoMb, ["body.body"]);
    const fiveMb = await call(postMessages, { key: phone.key, rawBody: JSON.stringify(sms({ body: "z".repeat(5 * 1024 * 1024) })), headers: { "content-type": "application/json" } });
    expect(fiveMb.status).toBe(413);

    const badUtf8 = await call(postMessages, { key: phone.key, rawBody: new Uint8Array([...Buffer.from('{"type":"sms","sender":"a","body":"'), 0xc3, 0x28, ...Buffer.from('","receivedAt":1719045971000}')]), headers: { "content-type": "application/json" } });
    expect(badUtf8.status).toBe(400);
    expect(badUtf8.body.detail).toMatch(/UTF-8/);
    expect((await call(postMessages, { key: phone.key, rawBody: '{"type":', headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await call(postMessages, { key: phone.key, rawBody: "type=sms", headers: { "content-type": "text/plain" } })).status).toBe(415);

    const huge = { messages: Array.from({ length: 10_000 }, () => sms()) };
    const tooMany = await call(postMessages, { key: phone.key, body: huge });
    expect([413, 422]).toContain(tooMany.status);
    if (tooMany.status === 422) expect(tooMany.body.errors.map((e: any) => e.path)).toContain("body.messages");

    expect(await countStored(alice.user.id)).toBe(0);
  });

  it("needs the messages:write scope and a live key", async () => {
    const reader = await makeUser({ scopes: ["messages:read"] });
    expect((await call(postMessages, { key: reader.key, body: sms() })).status).toBe(403);
    expect((await call(postMessages, { body: sms() })).status).toBe(401);
    expect(await countStored(reader.user.id)).toBe(0);
  });

  describe("realtime", () => {
    let server: Awaited<ReturnType<typeof startRealtimeServer>>;
    beforeAll(async () => {
      server = await startRealtimeServer();
      setRealtimeServer(server.realtime.io);
    });
    afterAll(async () => {
      setRealtimeServer(undefined);
      await server.close();
    });

    it("publishes hub:message to the owner after the commit, and nothing for a duplicate", async () => {
      const alice = await makeUser();
      const bob = await makeUser();
      const phone = await makeDevice(alice);
      const aliceSocket = await connectClient(server.url, alice.key);
      const bobSocket = await connectClient(server.url, bob.key);
      const bobGot: unknown[] = [];
      bobSocket.on("hub:message", (payload) => bobGot.push(payload));
      try {
        const event = nextEvent<any>(aliceSocket, "hub:message");
        const input = sms();
        const posted = await call(postMessages, { key: phone.key, body: input });
        const payload = await event;
        expect(payload.message.id).toBe(posted.body.message.id);
        expect(payload.position).toBe(posted.body.message.position);
        // When the event arrives the row is committed: another connection reads it.
        const [row] = await getDb().select({ id: messages.id }).from(messages).where(eq(messages.id, payload.message.id));
        expect(row).toBeTruthy();

        let duplicateEvent = false;
        aliceSocket.on("hub:message", () => (duplicateEvent = true));
        await call(postMessages, { key: phone.key, body: input });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(duplicateEvent).toBe(false);
        expect(bobGot).toEqual([]);
      } finally {
        aliceSocket.disconnect();
        bobSocket.disconnect();
      }
    });
  });

  it("lists only the caller's messages", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    await call(postMessages, { key: alice.key, body: sms({ body: "alice secret" }) });
    const bobs = await call(postMessages, { key: bob.key, body: sms({ body: "bob's" }) });
    const list = await call(listMessages, { key: alice.key });
    expect(list.body.data.map((m: any) => m.body)).toEqual(["alice secret"]);
    expect((await call(getMessage, { key: alice.key, params: { id: bobs.body.message.id } })).status).toBe(404);
    const [count] = await getDb()
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(eq(messages.userId, bob.user.id));
    expect(count!.n).toBe(1);
  });

  it("runs the key lookup and the insert as named statements on Postgres, unnamed on the embedded database", async () => {
    const alice = await makeUser();
    // One connection, so the statements it prepared can be listed on it.
    const handle = connectDatabase(inject("databaseUrl"), { max: 1 });
    try {
      const onPostgres = inject("databaseKind") === "postgres";
      expect(await ownSessions(handle.db)).toBe(onPostgres);
      expect(await verifyApiKey(handle.db, alice.key)).toMatchObject({ userId: alice.user.id });
      const [outcome] = await ingestMessages(handle.db, { userId: alice.user.id, deviceId: null, source: "api" }, [messageInputSchema.parse(sms({ externalId: "named-1" }))]);
      expect(outcome!.status).toBe("created");
      // A second call reuses the prepared statement rather than preparing it again.
      const [again] = await ingestMessages(handle.db, { userId: alice.user.id, deviceId: null, source: "api" }, [messageInputSchema.parse(sms({ externalId: "named-1" }))]);
      expect(again).toMatchObject({ status: "duplicate", message: { id: outcome!.message.id } });
      const prepared = (await handle.pool.query<{ name: string }>("select name from pg_prepared_statements where name in ('verify_api_keys', 'ingest_messages', 'ingest_messages_nowait') order by name")).rows.map((row) => row.name);
      // The queue's statement (counters taken with NOWAIT); the waiting one runs only after a NOWAIT refusal.
      expect(prepared).toEqual(onPostgres ? ["ingest_messages_nowait", "verify_api_keys"] : []);
    } finally {
      await handle.pool.end();
    }
  });

  // On Postgres: the embedded database serves one transaction at a time, so there the held lock would hold everything.
  it.skipIf(inject("databaseKind") !== "postgres")("lets other users' messages through while one user's counter is locked by a long transaction", async () => {
    const [alice, bob] = [await makeUser(), await makeUser()];
    // Alice's first message creates her counter row; a long transaction then holds it.
    expect((await call(postMessages, { key: alice.key, body: sms({ externalId: "lock-0" }) })).status).toBe(201);
    const holder = await getDb().$client.connect();
    try {
      await holder.query("begin");
      await holder.query("select * from change_counters where user_id = $1 and stream = 'messages' for update", [alice.user.id]);
      let aliceDone = false;
      const aliceSends = Promise.all([1, 2, 3].map((i) => call(postMessages, { key: alice.key, body: sms({ externalId: `lock-${i}` }) }))).then((results) => {
        aliceDone = true;
        return results;
      });
      // Bob's messages, sent while Alice's wait, are stored without waiting for her lock.
      const bobs = await Promise.all([1, 2, 3, 4, 5].map((i) => call(postMessages, { key: bob.key, body: sms({ externalId: `bob-${i}` }) })));
      expect(bobs.map((result) => result.status)).toEqual([201, 201, 201, 201, 201]);
      expect(aliceDone).toBe(false);
      await holder.query("commit");
      expect((await aliceSends).map((result) => result.status)).toEqual([201, 201, 201]);
    } finally {
      await holder.query("rollback").catch(() => {});
      holder.release();
    }
    // Each stored once, with gap-free positions 1..4 for Alice.
    expect(await countStored(alice.user.id)).toBe(4);
    const positions = await getDb().select({ position: messages.changePosition }).from(messages).where(eq(messages.userId, alice.user.id));
    expect(positions.map((row) => Number(row.position)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  });
});
