import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listMessages, POST as postMessages } from "@/app/api/v1/messages/route";
import { DELETE as deleteMessage, GET as getMessage, PATCH as patchMessage } from "@/app/api/v1/messages/[id]/route";
import { DELETE as markUnread, PUT as markRead } from "@/app/api/v1/messages/[id]/read/route";
import { POST as bulkRead } from "@/app/api/v1/messages/read/route";
import { POST as bulkUnread } from "@/app/api/v1/messages/unread/route";
import { GET as threads } from "@/app/api/v1/messages/threads/route";
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { SEARCH_CANDIDATES } from "@/lib/messages/list";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { makeDevice, sms } from "@/tests/helpers/inbox";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";

async function post(key: string, body: Record<string, unknown>) {
  const result = await call(postMessages, { key, body });
  if (result.status !== 201) throw new Error(`${result.status} ${result.text}`);
  return result.body.message;
}

async function list(user: TestUser, query: Record<string, string | number | undefined> = {}) {
  const result = await call(listMessages, { key: user.key, query });
  if (result.status !== 200) throw new Error(`${result.status} ${result.text}`);
  return result.body;
}

/** Lists with a repeated query parameter (?type=a&type=b). */
async function listRepeated(user: TestUser, name: string, values: string[]) {
  const search = values.map((value) => `${name}=${encodeURIComponent(value)}`).join("&");
  const req = new Request(`http://hub.test/api/v1/messages?${search}`, { headers: { authorization: `Bearer ${user.key}`, "x-hub-client-ip": "203.0.113.9" } });
  const res = await listMessages(req, { params: Promise.resolve({}) });
  return (await res.json()) as { data: any[] };
}

describe("reading the inbox", () => {
  it("filters by device, type, read, tag, priority, since and until", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const tablet = await makeDevice(alice, { name: "Tablet" });
    await post(phone.key, sms({ body: "a", type: "sms", tags: ["bank"], priority: "high", receivedAt: "2026-01-01T10:00:00Z" }));
    const b = await post(phone.key, sms({ body: "b", type: "call", tags: ["bank", "urgent"], receivedAt: "2026-01-02T10:00:00Z" }));
    const c = await post(tablet.key, sms({ body: "c", type: "notification", receivedAt: "2026-01-03T10:00:00+02:00" }));
    await call(markRead, { method: "PUT", key: alice.key, params: { id: b.id } });

    const bodies = (page: { data: any[] }) => page.data.map((m) => m.body);
    expect(bodies(await list(alice))).toEqual(["c", "b", "a"]);
    expect(bodies(await list(alice, { device: tablet.id }))).toEqual(["c"]);
    expect(bodies(await list(alice, { type: "call" }))).toEqual(["b"]);
    expect(bodies(await listRepeated(alice, "type", ["sms", "notification"]))).toEqual(["c", "a"]);
    expect(bodies(await list(alice, { read: "true" }))).toEqual(["b"]);
    expect(bodies(await list(alice, { read: "false" }))).toEqual(["c", "a"]);
    expect(bodies(await list(alice, { tag: "BANK" }))).toEqual(["b", "a"]);
    expect(bodies(await listRepeated(alice, "tag", ["bank", "urgent"]))).toEqual(["b"]);
    expect(bodies(await list(alice, { priority: "high" }))).toEqual(["a"]);
    expect(bodies(await list(alice, { since: "2026-01-02T10:00:00Z" }))).toEqual(["c", "b"]);
    expect(bodies(await list(alice, { until: "2026-01-02T11:00:00+01:00" }))).toEqual(["a"]);
    expect(bodies(await list(alice, { since: String(Date.parse("2026-01-01T12:00:00Z")), until: "2026-01-03T09:00:00Z" }))).toEqual(["c", "b"]);
    expect(c.receivedAt).toBe("2026-01-03T08:00:00.000Z");

    for (const bad of [{ limit: 501 }, { limit: 0 }, { type: "fax" }, { read: "yes" }, { since: "yesterday" }, { cursor: "not-a-cursor" }, { priority: "max" }]) {
      const result = await call(listMessages, { key: alice.key, query: bad });
      expect(result.status).toBe(422);
    }
  });

  it("pages newest first with an opaque cursor, without gaps or repeats", async () => {
    const alice = await makeUser();
    const made = [];
    // Two share a receive time: the id breaks the tie.
    for (let i = 0; i < 7; i++) made.push(await post(alice.key, sms({ body: `m${i}`, receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i === 4 ? 3 : i)).toISOString() })));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await list(alice, { limit: 3, cursor });
      seen.push(...result.data.map((m: any) => m.id));
      if (!result.hasMore) {
        expect(result.nextCursor).toBeNull();
        break;
      }
      cursor = result.nextCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect((await list(alice, { limit: 50 })).data.map((m: any) => m.id)).toEqual(seen);
  });

  it("searches sender, title and body with ranking and prefix matching on the last word", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    await post(alice.key, sms({ sender: "Meeting Bot", body: "Agenda attached", receivedAt: "2026-01-01T00:00:00Z" }));
    await post(alice.key, sms({ sender: "+15550001", body: "Can we move the meeting to Friday?", receivedAt: "2026-01-05T00:00:00Z" }));
    await post(alice.key, sms({ sender: "+15550002", title: "Meeting reminder", body: "See you there", receivedAt: "2026-01-03T00:00:00Z" }));
    await post(alice.key, sms({ sender: "+15550003", body: "Lunch tomorrow?", receivedAt: "2026-01-04T00:00:00Z" }));
    await post(bob.key, sms({ sender: "Meeting Bot", body: "bob's meeting" }));

    // Sender (weight A) over title (B) over body (C), whatever the dates.
    const ranked = await list(alice, { q: "meeting" });
    expect(ranked.data.map((m: any) => m.sender)).toEqual(["Meeting Bot", "+15550002", "+15550001"]);
    // The last word is a prefix: people search while typing.
    expect((await list(alice, { q: "meet" })).data).toHaveLength(3);
    expect((await list(alice, { q: "mov" })).data.map((m: any) => m.sender)).toEqual(["+15550001"]);
    // Every word must match; only the last is a prefix.
    expect((await list(alice, { q: "meeting frid" })).data.map((m: any) => m.sender)).toEqual(["+15550001"]);
    expect((await list(alice, { q: "meet friday" })).data).toHaveLength(0);
    // Case, punctuation and tsquery syntax are just text.
    expect((await list(alice, { q: "LUNCH" })).data).toHaveLength(1);
    for (const q of ["!!! :* & | ( )", "a:*&b", "'; drop table messages; --", "\\"]) {
      const result = await call(listMessages, { key: alice.key, query: { q } });
      expect(result.status).toBe(200);
    }
    expect((await list(alice, { q: "???" })).data).toEqual([]);
    expect((await list(alice, { q: "  " })).data).toHaveLength(4);
    // A number matches the signed forms the parser keeps: +15550001 is one word.
    expect((await list(alice, { q: "15550001" })).data.map((m: any) => m.sender)).toEqual(["+15550001"]);
    expect((await list(alice, { q: "1555" })).data).toHaveLength(3);
    expect((await list(alice, { q: "+15550002 reminder" })).data.map((m: any) => m.sender)).toEqual(["+15550002"]);
    // Search pages with the rank in the cursor.
    const first = await list(alice, { q: "meeting", limit: 2 });
    const second = await list(alice, { q: "meeting", limit: 2, cursor: first.nextCursor });
    expect([...first.data, ...second.data].map((m: any) => m.sender)).toEqual(["Meeting Bot", "+15550002", "+15550001"]);
    expect(second.hasMore).toBe(false);
    // Search combines with filters.
    expect((await list(alice, { q: "meeting", since: "2026-01-02T00:00:00Z" })).data).toHaveLength(2);
  });

  it("ranks the newest 2,000 matches of a search; older ones are reached by narrowing", async () => {
    const alice = await makeUser();
    // Seeded in SQL for speed: 2,100 matches, one per minute, positions as ingest would give them.
    await getDb().execute(sql`
      insert into messages (id, user_id, source, fingerprint, type, sender, body, received_at, change_position)
      select 'msg_seed_' || ${alice.user.id} || '_' || g, ${alice.user.id}, 'test', md5(g::text), 'sms', '+1555', 'invoice number ' || g,
        timestamptz '2026-01-01' + make_interval(mins => g), g
      from generate_series(1, 2100) as g
    `);
    let cursor: string | undefined;
    let total = 0;
    let oldest = "";
    for (let page = 0; page < 10; page++) {
      const result = await list(alice, { q: "invoice", limit: 500, cursor });
      total += result.data.length;
      for (const m of result.data) if (!oldest || m.receivedAt < oldest) oldest = m.receivedAt;
      if (!result.hasMore) break;
      cursor = result.nextCursor;
    }
    expect(total).toBe(SEARCH_CANDIDATES);
    expect(oldest).toBe(new Date(Date.UTC(2026, 0, 1, 0, 101)).toISOString());
    const older = await list(alice, { q: "invoice", until: oldest, limit: 500 });
    expect(older.data).toHaveLength(100);
  });

  it("groups threads by thread key or sender, with unread counts", async () => {
    const alice = await makeUser();
    await post(alice.key, sms({ sender: "+1111", body: "one", receivedAt: "2026-01-01T00:00:00Z" }));
    const two = await post(alice.key, sms({ sender: "+1111", body: "two", receivedAt: "2026-01-02T00:00:00Z" }));
    await post(alice.key, sms({ sender: "+2222", body: "group a", threadKey: "family", receivedAt: "2026-01-03T00:00:00Z" }));
    await post(alice.key, sms({ sender: "+3333", body: "group b", threadKey: "family", receivedAt: "2026-01-04T00:00:00Z" }));
    await post(alice.key, sms({ sender: "+4444", body: "lonely", receivedAt: "2025-12-01T00:00:00Z" }));
    await call(markRead, { method: "PUT", key: alice.key, params: { id: two.id } });

    const result = await call(threads, { key: alice.key, query: { limit: 2 } });
    expect(result.status).toBe(200);
    expect(result.body.data.map((t: any) => [t.key, t.messageCount, t.unreadCount, t.lastMessage.body])).toEqual([
      ["family", 2, 2, "group b"],
      ["+1111", 2, 1, "two"],
    ]);
    expect(result.body.hasMore).toBe(true);
    const rest = await call(threads, { key: alice.key, query: { limit: 2, cursor: result.body.nextCursor } });
    expect(rest.body.data.map((t: any) => t.key)).toEqual(["+4444"]);
    expect(rest.body.hasMore).toBe(false);

    // A thread's key lists that conversation: by thread key across senders, or by sender without one.
    expect((await list(alice, { thread: "family" })).data.map((m: any) => m.body)).toEqual(["group b", "group a"]);
    expect((await list(alice, { thread: "+1111" })).data.map((m: any) => m.body)).toEqual(["two", "one"]);
    expect((await list(alice, { thread: "+2222" })).data).toEqual([]);
    expect((await list(alice, { thread: "family", read: "false" })).data).toHaveLength(2);
    expect((await call(listMessages, { key: alice.key, query: { thread: "x".repeat(321) } })).status).toBe(422);
  });

  it("marks read and unread, singly and in bulk by filter", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const m1 = await post(phone.key, sms());
    const m2 = await post(phone.key, sms({ tags: ["promo"] }));
    const m3 = await post(alice.key, sms({ tags: ["promo"] }));

    const read = await call(markRead, { method: "PUT", key: alice.key, params: { id: m1.id } });
    expect(read.body.message).toMatchObject({ read: true });
    expect(read.body.message.position).toBeGreaterThan(m1.position);
    const again = await call(markRead, { method: "PUT", key: alice.key, params: { id: m1.id } });
    expect(again.body.message.position).toBe(read.body.message.position);
    const unread = await call(markUnread, { method: "DELETE", key: alice.key, params: { id: m1.id } });
    expect(unread.body.message).toMatchObject({ read: false, readAt: null });

    const byFilter = await call(bulkRead, { key: alice.key, body: { filter: { tag: ["promo"], device: phone.id } } });
    expect(byFilter.body).toEqual({ updated: 1 });
    expect((await call(getMessage, { key: alice.key, params: { id: m2.id } })).body.message.read).toBe(true);
    expect((await call(getMessage, { key: alice.key, params: { id: m3.id } })).body.message.read).toBe(false);
    const everything = await call(bulkRead, { key: alice.key, body: { filter: {} } });
    expect(everything.body).toEqual({ updated: 2 });
    expect((await list(alice, { read: "false" })).data).toEqual([]);
    expect((await call(bulkRead, { key: alice.key, body: { ids: [], filter: {} } })).status).toBe(422);
    expect((await call(bulkRead, { key: alice.key, body: {} })).status).toBe(422);
  });

  it("marks unread in bulk by ids and by filter, counting only the messages that change", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const m1 = await post(phone.key, sms({ body: "one" }));
    const m2 = await post(phone.key, sms({ body: "two", tags: ["promo"] }));
    const m3 = await post(alice.key, sms({ body: "three", tags: ["promo"] }));
    const m4 = await post(alice.key, sms({ body: "four" }));
    expect((await call(bulkRead, { key: alice.key, body: { filter: {} } })).body).toEqual({ updated: 4 });

    const byIds = await call(bulkUnread, { key: alice.key, body: { ids: [m1.id, m4.id, "msg_unknown"] } });
    expect(byIds.status).toBe(200);
    expect(byIds.body).toEqual({ updated: 2 });
    // Already unread: nothing changes.
    expect((await call(bulkUnread, { key: alice.key, body: { ids: [m1.id] } })).body).toEqual({ updated: 0 });
    expect((await list(alice, { read: "false" })).data.map((m: any) => m.body)).toEqual(["four", "one"]);
    const one = (await call(getMessage, { key: alice.key, params: { id: m1.id } })).body.message;
    expect(one).toMatchObject({ read: false, readAt: null });
    expect(one.position).toBeGreaterThan(m1.position);

    const byFilter = await call(bulkUnread, { key: alice.key, body: { filter: { tag: ["promo"], device: phone.id } } });
    expect(byFilter.body).toEqual({ updated: 1 });
    expect((await call(getMessage, { key: alice.key, params: { id: m2.id } })).body.message.read).toBe(false);
    expect((await call(getMessage, { key: alice.key, params: { id: m3.id } })).body.message.read).toBe(true);
    expect((await call(bulkUnread, { key: alice.key, body: { filter: {} } })).body).toEqual({ updated: 1 });
    expect((await list(alice, { read: "true" })).data).toEqual([]);
    expect((await call(bulkUnread, { key: alice.key, body: { ids: [], filter: {} } })).status).toBe(422);
  });

  it("changes tags and priority, and soft-deletes", async () => {
    const alice = await makeUser();
    const message = await post(alice.key, sms({ tags: ["a"] }));
    const patched = await call(patchMessage, { method: "PATCH", key: alice.key, params: { id: message.id }, body: { tags: ["Work", "later"], priority: "urgent" } });
    expect(patched.status).toBe(200);
    expect(patched.body.message).toMatchObject({ tags: ["work", "later"], priority: "urgent" });
    expect((await call(patchMessage, { method: "PATCH", key: alice.key, params: { id: message.id }, body: {} })).status).toBe(422);
    expect((await call(patchMessage, { method: "PATCH", key: alice.key, params: { id: message.id }, body: { priority: "max", tags: "x" } })).status).toBe(422);

    expect((await call(deleteMessage, { method: "DELETE", key: alice.key, params: { id: message.id } })).status).toBe(204);
    expect((await call(getMessage, { key: alice.key, params: { id: message.id } })).status).toBe(404);
    expect((await list(alice)).data).toEqual([]);
    expect((await call(deleteMessage, { method: "DELETE", key: alice.key, params: { id: message.id } })).status).toBe(404);
    expect((await call(markRead, { method: "PUT", key: alice.key, params: { id: message.id } })).status).toBe(404);
  });

  it("answers another user's message with 404 on every route and changes nothing", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const message = await post(alice.key, sms({ body: "alice's private text" }));
    for (const attempt of [
      call(getMessage, { key: bob.key, params: { id: message.id } }),
      call(markRead, { method: "PUT", key: bob.key, params: { id: message.id } }),
      call(markUnread, { method: "DELETE", key: bob.key, params: { id: message.id } }),
      call(patchMessage, { method: "PATCH", key: bob.key, params: { id: message.id }, body: { priority: "low" } }),
      call(deleteMessage, { method: "DELETE", key: bob.key, params: { id: message.id } }),
    ]) {
      const result = await attempt;
      expect(result.status).toBe(404);
      expect(result.text).not.toContain("private");
    }
    expect((await call(bulkRead, { key: bob.key, body: { ids: [message.id] } })).body).toEqual({ updated: 0 });
    expect((await call(bulkRead, { key: bob.key, body: { filter: {} } })).body).toEqual({ updated: 0 });
    const readByAlice = (await call(markRead, { method: "PUT", key: alice.key, params: { id: message.id } })).body.message;
    expect((await call(bulkUnread, { key: bob.key, body: { ids: [message.id] } })).body).toEqual({ updated: 0 });
    expect((await call(bulkUnread, { key: bob.key, body: { filter: {} } })).body).toEqual({ updated: 0 });
    expect((await call(listMessages, { key: bob.key, query: { q: "private" } })).body.data).toEqual([]);
    expect((await call(threads, { key: bob.key })).body.data).toEqual([]);
    const mine = await call(getMessage, { key: alice.key, params: { id: message.id } });
    expect(mine.body.message).toMatchObject({ read: true, priority: "normal", deletedAt: null, position: readByAlice.position });
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

    it("publishes hub:message:updated with the new position after each change", async () => {
      const alice = await makeUser();
      const socket = await connectClient(server.url, alice.key);
      try {
        const message = await post(alice.key, sms());
        const readEvent = nextEvent<any>(socket, "hub:message:updated");
        const read = await call(markRead, { method: "PUT", key: alice.key, params: { id: message.id } });
        expect(await readEvent).toMatchObject({ change: "read", position: read.body.message.position, message: { id: message.id, read: true, deleted: false } });
        const unreadEvent = nextEvent<any>(socket, "hub:message:updated");
        await call(bulkUnread, { key: alice.key, body: { ids: [message.id] } });
        const unread = (await call(getMessage, { key: alice.key, params: { id: message.id } })).body.message;
        expect(await unreadEvent).toMatchObject({ change: "unread", position: unread.position, message: { id: message.id, read: false, readAt: null } });
        const deleteEvent = nextEvent<any>(socket, "hub:message:updated");
        await call(deleteMessage, { method: "DELETE", key: alice.key, params: { id: message.id } });
        expect(await deleteEvent).toMatchObject({ change: "deleted", message: { id: message.id, deleted: true } });
      } finally {
        socket.disconnect();
      }
    });
  });
});
