import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listRoomsRoute, POST as createRoomRoute } from "@/app/api/v1/rooms/route";
import { GET as getRoomRoute, PATCH as patchRoomRoute } from "@/app/api/v1/rooms/[id]/route";
import { DELETE as removeMemberRoute, POST as addMemberRoute } from "@/app/api/v1/rooms/[id]/members/route";
import { GET as listMessagesRoute, POST as postMessageRoute } from "@/app/api/v1/rooms/[id]/messages/route";
import { DELETE as deleteMessageRoute, PATCH as editMessageRoute } from "@/app/api/v1/rooms/[id]/messages/[messageId]/route";
import { GET as historyRoute } from "@/app/api/v1/rooms/[id]/messages/[messageId]/history/route";
import { POST as reactRoute } from "@/app/api/v1/rooms/[id]/messages/[messageId]/reactions/route";
import { DELETE as unreactRoute } from "@/app/api/v1/rooms/[id]/messages/[messageId]/reactions/[emoji]/route";
import { DELETE as unpinRoute, PUT as pinRoute } from "@/app/api/v1/rooms/[id]/messages/[messageId]/pin/route";
import { GET as searchRoomRoute } from "@/app/api/v1/rooms/[id]/messages/search/route";
import { GET as searchAllRoute } from "@/app/api/v1/rooms/search/route";
import { GET as timelineRoute } from "@/app/api/v1/rooms/[id]/timeline/route";
import { PUT as readRoute } from "@/app/api/v1/rooms/[id]/read/route";
import { GET as onlineRoute } from "@/app/api/v1/rooms/[id]/online/route";
import { GET as typingRoute } from "@/app/api/v1/rooms/[id]/typing/route";
import { getDb } from "@/lib/db/client";
import { outboxEvents } from "@/lib/db/schema/platform";
import { roomMessages } from "@/lib/db/schema/rooms";
import type { Actor } from "@/lib/auth/actor";
import { postMessage } from "@/lib/rooms/post-message";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";

type Room = { id: string };

async function openRoom(commander: TestUser, members: Array<{ user: TestUser; role?: string }> = [], body: Record<string, unknown> = {}): Promise<Room> {
  const res = await call(createRoomRoute, {
    key: commander.key,
    body: { title: "Checkout is down", severity: "sev2", members: members.map((m) => ({ userId: m.user.user.id, role: m.role ?? "participant" })), ...body },
  });
  expect(res.status).toBe(201);
  return res.body.room;
}

const actorOf = (user: TestUser): Actor => ({ userId: user.user.id, role: user.user.role, via: "apiKey", scopes: ["rooms:read", "rooms:write"] });

const post = (user: TestUser, roomId: string, body: Record<string, unknown>) => call(postMessageRoute, { key: user.key, params: { id: roomId }, body });

describe("incident rooms over REST", () => {
  it("creates a room whose creator commands it, with an opening timeline entry", async () => {
    const alice = await makeUser({ name: "Alice Admin" });
    const bob = await makeUser({ name: "Bob" });
    const res = await call(createRoomRoute, {
      key: alice.key,
      body: { title: "  DB failover ", description: "primary lost", severity: "sev1", members: [{ userId: bob.user.id, role: "scribe" }] },
    });
    expect(res.status).toBe(201);
    expect(res.body.room).toMatchObject({ title: "DB failover", severity: "sev1", status: "investigating", commanderId: alice.user.id, role: "commander", lastSeq: 1, position: 1, archived: false });
    expect(res.body.room.members.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [alice.user.id, "commander"],
      [bob.user.id, "scribe"],
    ]);

    const messages = await call(listMessagesRoute, { key: bob.key, params: { id: res.body.room.id } });
    expect(messages.body.data).toHaveLength(1);
    expect(messages.body.data[0]).toMatchObject({ seq: 1, type: "system", authorId: alice.user.id, data: { event: "room_created" } });
    expect(messages.body.data[0].content).toContain("Alice Admin opened the incident");
  });

  it("refuses unknown members and bad fields with 422", async () => {
    const alice = await makeUser();
    const res = await call(createRoomRoute, { key: alice.key, body: { title: "x", severity: "sev1", members: [{ userId: "usr_nope" }] } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("body.members.0.userId");
    const bad = await call(createRoomRoute, { key: alice.key, body: { title: "", severity: "sev9" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.severity", "body.title"]);
  });

  it("lists the caller's rooms with unread counts and marks them read", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const carol = await makeUser();
    const room = await openRoom(alice, [{ user: bob }]);
    await openRoom(carol);
    for (const content of ["one", "two", "three"]) expect((await post(alice, room.id, { content })).status).toBe(201);
    await post(bob, room.id, { content: "mine does not count" });

    const listed = await call(listRoomsRoute, { key: bob.key });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((r: Room) => r.id)).toEqual([room.id]);
    // The opening entry and three messages by others.
    expect(listed.body.data[0]).toMatchObject({ unreadCount: 4, role: "participant", lastSeq: 5 });
    expect((await call(listRoomsRoute, { key: alice.key })).body.data[0].unreadCount).toBe(1);

    const read = await call(readRoute, { method: "PUT", key: bob.key, params: { id: room.id }, body: { seq: 3 } });
    expect(read.body).toEqual({ lastReadSeq: 3 });
    // Left: "three" (seq 4); seq 5 is Bob's own.
    expect((await call(listRoomsRoute, { key: bob.key })).body.data[0].unreadCount).toBe(1);
    // Never backwards, never past the end.
    expect((await call(readRoute, { method: "PUT", key: bob.key, params: { id: room.id }, body: { seq: 1 } })).body).toEqual({ lastReadSeq: 3 });
    expect((await call(readRoute, { method: "PUT", key: bob.key, params: { id: room.id }, body: { seq: 999 } })).body).toEqual({ lastReadSeq: 5 });
  });

  it("pages the room list with a cursor", async () => {
    const alice = await makeUser();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await openRoom(alice)).id);
    const first = await call(listRoomsRoute, { key: alice.key, query: { limit: 2 } });
    expect(first.body.hasMore).toBe(true);
    const second = await call(listRoomsRoute, { key: alice.key, query: { limit: 2, cursor: first.body.nextCursor } });
    const third = await call(listRoomsRoute, { key: alice.key, query: { limit: 2, cursor: second.body.nextCursor } });
    expect(third.body.hasMore).toBe(false);
    expect([...first.body.data, ...second.body.data, ...third.body.data].map((r: Room) => r.id)).toEqual([...ids].reverse());
    expect((await call(listRoomsRoute, { key: alice.key, query: { cursor: "garbage" } })).status).toBe(422);
  });

  it("turns status, severity and command changes into timeline entries and a room.status_changed event", async () => {
    const alice = await makeUser({ name: "Alice" });
    const bob = await makeUser({ name: "Bob" });
    const room = await openRoom(alice, [{ user: bob }]);
    const res = await call(patchRoomRoute, { method: "PATCH", key: alice.key, params: { id: room.id }, body: { status: "identified", severity: "sev1", commanderId: bob.user.id } });
    expect(res.status).toBe(200);
    expect(res.body.room).toMatchObject({ status: "identified", severity: "sev1", commanderId: bob.user.id, role: "participant", lastSeq: 4, position: 5 });
    expect(res.body.room.members.find((m: { userId: string }) => m.userId === bob.user.id).role).toBe("commander");

    const timeline = await call(timelineRoute, { key: bob.key, params: { id: room.id } });
    expect(timeline.body.data.map((m: { data: { event: string } }) => m.data.event)).toEqual(["room_created", "status_changed", "severity_changed", "commander_changed"]);
    expect(timeline.body.data[1].content).toBe("Alice changed the status from investigating to identified");
    expect(timeline.body.data[3].content).toBe("Alice handed command from Alice to Bob");

    const events = await getDb()
      .select()
      .from(outboxEvents)
      .where(and(eq(outboxEvents.type, "room.status_changed"), sql`${outboxEvents.data}->>'roomId' = ${room.id}`));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ roomId: room.id, from: "investigating", to: "identified", changedBy: alice.user.id });

    // Alice is no longer commander: she can no longer hand over command.
    const refused = await call(patchRoomRoute, { method: "PATCH", key: alice.key, params: { id: room.id }, body: { commanderId: alice.user.id } });
    expect(refused.status).toBe(403);
    // An unchanged value is no change at all.
    const same = await call(patchRoomRoute, { method: "PATCH", key: bob.key, params: { id: room.id }, body: { status: "identified" } });
    expect(same.body.room.position).toBe(5);
  });

  it("lets only the commander and the scribe manage the room", async () => {
    const alice = await makeUser();
    const scribe = await makeUser();
    const participant = await makeUser();
    const room = await openRoom(alice, [{ user: scribe, role: "scribe" }, { user: participant }]);
    expect((await call(patchRoomRoute, { method: "PATCH", key: scribe.key, params: { id: room.id }, body: { status: "monitoring" } })).status).toBe(200);
    expect((await call(patchRoomRoute, { method: "PATCH", key: participant.key, params: { id: room.id }, body: { status: "resolved" } })).status).toBe(403);
    expect((await call(patchRoomRoute, { method: "PATCH", key: scribe.key, params: { id: room.id }, body: { archived: true } })).status).toBe(403);
    const outsider = await makeUser();
    expect((await call(addMemberRoute, { key: participant.key, params: { id: room.id }, body: { userId: outsider.user.id } })).status).toBe(403);
  });

  it("adds and removes members as timeline entries, and a removed member loses the room", async () => {
    const alice = await makeUser({ name: "Alice" });
    const bob = await makeUser({ name: "Bob" });
    const room = await openRoom(alice);
    const added = await call(addMemberRoute, { key: alice.key, params: { id: room.id }, body: { email: bob.user.email, role: "observer" } });
    expect(added.status).toBe(201);
    expect(added.body.member).toMatchObject({ userId: bob.user.id, role: "observer", name: "Bob", handle: "bob" });
    const again = await call(addMemberRoute, { key: alice.key, params: { id: room.id }, body: { userId: bob.user.id, role: "observer" } });
    expect(again.status).toBe(200);
    const promoted = await call(addMemberRoute, { key: alice.key, params: { id: room.id }, body: { userId: bob.user.id, role: "participant" } });
    expect(promoted.body.member.role).toBe("participant");
    expect((await call(addMemberRoute, { key: alice.key, params: { id: room.id }, body: { email: "nobody@example.test" } })).status).toBe(404);

    expect((await call(removeMemberRoute, { method: "DELETE", key: alice.key, params: { id: room.id }, query: { userId: bob.user.id } })).status).toBe(204);
    expect((await call(getRoomRoute, { key: bob.key, params: { id: room.id } })).status).toBe(404);
    expect((await post(bob, room.id, { content: "still here?" })).status).toBe(404);
    // The commander cannot leave without handing over command.
    expect((await call(removeMemberRoute, { method: "DELETE", key: alice.key, params: { id: room.id }, query: { userId: alice.user.id } })).status).toBe(409);

    const history = await call(listMessagesRoute, { key: alice.key, params: { id: room.id } });
    expect(history.body.data.map((m: { content: string }) => m.content)).toEqual([
      expect.stringContaining("opened the incident"),
      "Alice added Bob as observer",
      "Alice made Bob a participant",
      "Alice removed Bob from the room",
    ]);
  });

  it("answers a non-member with 404 on every room route and shows nothing", async () => {
    const alice = await makeUser();
    const mallory = await makeUser();
    const room = await openRoom(alice);
    const message = (await post(alice, room.id, { content: "secret plan" })).body.message;
    const params = { id: room.id };
    const mparams = { id: room.id, messageId: message.id };
    const attempts = [
      await call(getRoomRoute, { key: mallory.key, params }),
      await call(patchRoomRoute, { method: "PATCH", key: mallory.key, params, body: { status: "resolved" } }),
      await call(listMessagesRoute, { key: mallory.key, params }),
      await post(mallory, room.id, { content: "hi" }),
      await call(editMessageRoute, { method: "PATCH", key: mallory.key, params: mparams, body: { content: "x" } }),
      await call(deleteMessageRoute, { method: "DELETE", key: mallory.key, params: mparams }),
      await call(historyRoute, { key: mallory.key, params: mparams }),
      await call(reactRoute, { key: mallory.key, params: mparams, body: { emoji: "👍" } }),
      await call(pinRoute, { method: "PUT", key: mallory.key, params: mparams }),
      await call(searchRoomRoute, { key: mallory.key, params, query: { q: "secret" } }),
      await call(timelineRoute, { key: mallory.key, params }),
      await call(onlineRoute, { key: mallory.key, params }),
      await call(typingRoute, { key: mallory.key, params }),
      await call(addMemberRoute, { key: mallory.key, params, body: { userId: mallory.user.id } }),
      await call(readRoute, { method: "PUT", key: mallory.key, params, body: { seq: 1 } }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(404);
      expect(attempt.text).not.toContain("secret plan");
    }
    expect((await call(searchAllRoute, { key: mallory.key, query: { q: "secret" } })).body.data).toEqual([]);
    expect((await call(listRoomsRoute, { key: mallory.key })).body.data).toEqual([]);
  });

  it("checks scopes: a read-only key reads but cannot write", async () => {
    const alice = await makeUser();
    const reader = await makeUser({ scopes: ["rooms:read"] });
    const room = await openRoom(alice, [{ user: reader }]);
    expect((await call(listMessagesRoute, { key: reader.key, params: { id: room.id } })).status).toBe(200);
    expect((await post(reader, room.id, { content: "hi" })).status).toBe(403);
  });

  it("stores text as sent minus control characters, XSS payloads included", async () => {
    const alice = await makeUser();
    const room = await openRoom(alice);
    const payloads = ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">', "[click](javascript:alert(1))", '"><svg onload=alert(1)>'];
    for (const content of payloads) {
      const res = await post(alice, room.id, { content });
      expect(res.status).toBe(201);
      expect(res.body.message.content).toBe(content);
    }
    const stripped = await post(alice, room.id, { content: "bell\u0007 null\u0000 esc\u001b[31m c1\u0085 tab\tnewline\nend" });
    expect(stripped.body.message.content).toBe("bell null esc[31m c1 tab\tnewline\nend");
    const onlyControl = await post(alice, room.id, { content: "\u0000\u0001" });
    expect(onlyControl.status).toBe(422);
    const listed = await call(listMessagesRoute, { key: alice.key, params: { id: room.id } });
    expect(listed.body.data.slice(1, 5).map((m: { content: string }) => m.content)).toEqual(payloads);
  });

  it("answers 413 past 10 KB of text or 100 KB of incident data, and stores nothing", async () => {
    const alice = await makeUser();
    const room = await openRoom(alice);
    expect((await post(alice, room.id, { content: "x".repeat(10 * 1024) })).status).toBe(201);
    const tooLong = await post(alice, room.id, { content: "é".repeat(5 * 1024 + 1) });
    expect(tooLong.status).toBe(413);
    expect(tooLong.body.detail).toMatch(/The message text is 10242 bytes; the limit is 10240 bytes \(10 KB\)/);

    const data = { summary: "latency", samples: "y".repeat(100 * 1024) };
    const bigData = await post(alice, room.id, { type: "incident_data", content: "graph", data });
    expect(bigData.status).toBe(413);
    expect(bigData.body.detail).toMatch(/The incident data is \d+ bytes; the limit is 102400 bytes \(100 KB\)/);
    const okData = await post(alice, room.id, { type: "incident_data", data: { p99: 1200, hosts: ["a", "b"] } });
    expect(okData.status).toBe(201);
    expect(okData.body.message).toMatchObject({ type: "incident_data", data: { p99: 1200, hosts: ["a", "b"] } });

    const huge = await post(alice, room.id, { content: "z".repeat(300 * 1024) });
    expect(huge.status).toBe(413);
    const count = await getDb().select({ n: sql<number>`count(*)::int` }).from(roomMessages).where(eq(roomMessages.roomId, room.id));
    expect(count[0]!.n).toBe(3);
  });

  it("holds the rate limit of 10 messages per second per user", async () => {
    const alice = await makeUser();
    const room = await openRoom(alice);
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => post(alice, room.id, { content: `burst ${i}` })));
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const refused = results.filter((r) => r.status === 429);
    // One-second windows: a burst lasting under a second gets at most 10 through (20 when it straddles two windows).
    expect(results.filter((r) => r.status === 201).length).toBeLessThanOrEqual(10 * (seconds + 1));
    expect(refused.length).toBeGreaterThanOrEqual(25 - 10 * (seconds + 1));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.headers.get("retry-after")).toBe("1");
    expect(refused[0]!.body.detail).toMatch(/At most 10 messages per second/);
  });

  it("validates file and image references", async () => {
    const alice = await makeUser();
    const room = await openRoom(alice);
    const ok = await post(alice, room.id, { type: "image_ref", content: "the graph", data: { url: "https://grafana.example/x.png", mimeType: "image/png" } });
    expect(ok.status).toBe(201);
    const bad = await post(alice, room.id, { type: "file_ref", data: { url: "javascript:alert(1)" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe("body.data.url");
    // An edit keeps the message's type; its new reference is checked the same way, and the stored one stays.
    const edit = (data: unknown) => call(editMessageRoute, { method: "PATCH", key: alice.key, params: { id: room.id, messageId: ok.body.message.id }, body: { content: "the graph", data } });
    const badEdit = await edit({ url: "javascript:alert(1)" });
    expect(badEdit.status, badEdit.text).toBe(422);
    expect(badEdit.body.errors[0].path).toBe("body.data.url");
    expect((await edit({ url: "https://grafana.example/x.png", colour: "red" })).status).toBe(422);
    const goodEdit = await edit({ url: "https://grafana.example/y.png" });
    expect(goodEdit.status, goodEdit.text).toBe(200);
    expect(goodEdit.body.message.data).toEqual({ url: "https://grafana.example/y.png" });
    expect((await post(alice, room.id, { type: "text", content: "x", data: { a: 1 } })).status).toBe(422);
    expect((await post(alice, room.id, { type: "system", content: "I am the system" })).status).toBe(422);
  });

  it("returns the stored message for a repeated clientId", async () => {
    const alice = await makeUser();
    const room = await openRoom(alice);
    const first = await post(alice, room.id, { content: "once", clientId: "c-1" });
    const second = await post(alice, room.id, { content: "once", clientId: "c-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.message.id).toBe(first.body.message.id);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => post(alice, room.id, { content: "race", clientId: "c-2" })));
    expect(new Set(concurrent.map((r) => r.body.message.id)).size).toBe(1);
    expect(concurrent.filter((r) => r.status === 201)).toHaveLength(1);
    const listed = await call(listMessagesRoute, { key: alice.key, params: { id: room.id } });
    expect(listed.body.data.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3]);
  });

  it("writes a burst of concurrent posts in one room with dense seq, refusing per message and deduplicating clientIds", async () => {
    const alice = await makeUser();
    const bob = await makeUser({ name: "Bob" });
    const watcher = await makeUser();
    const outsider = await makeUser();
    const room = await openRoom(alice, [{ user: bob }, { user: watcher, role: "observer" }]);
    const attempts = Array.from({ length: 60 }, (_, i) => {
      const who = [alice, bob, watcher, outsider][i % 4]!;
      // Every fifth send repeats clientId "same" for its author.
      const clientId = i % 5 === 0 ? "same" : `c-${i}`;
      return postMessage(getDb(), actorOf(who), room.id, { content: `burst ${i} @bob`, type: "text", clientId }).then(
        (outcome) => ({ i, who, outcome }),
        (error: { status?: number }) => ({ i, who, status: error.status }),
      );
    });
    const results = await Promise.all(attempts);
    for (const result of results) {
      if (result.who === watcher) expect(result).toMatchObject({ status: 403 });
      if (result.who === outsider) expect(result).toMatchObject({ status: 404 });
    }
    const accepted = results.flatMap((r) => ("outcome" in r ? [r.outcome] : []));
    expect(accepted).toHaveLength(30);
    const created = accepted.filter((o) => o.created).map((o) => o.message);
    // Alice and Bob each sent "same" three times (i = 0, 20, 40 and 5, 25, 45): one message each.
    expect(created).toHaveLength(26);
    for (const author of [alice, bob]) {
      const same = accepted.filter((o) => o.message.authorId === author.user.id && o.message.clientId === "same");
      expect(same).toHaveLength(3);
      expect(new Set(same.map((o) => o.message.id)).size).toBe(1);
    }
    expect(created.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 26 }, (_, i) => i + 2));
    expect(created.map((m) => m.changeSeq).sort((a, b) => a - b)).toEqual(Array.from({ length: 26 }, (_, i) => i + 2));
    expect(created.every((m) => m.mentions.length === 1 && m.mentions[0] === bob.user.id)).toBe(true);
    const listed = await call(listMessagesRoute, { key: alice.key, params: { id: room.id }, query: { limit: 100 } });
    const inOrder = [...created].sort((a, b) => a.seq - b.seq);
    expect(listed.body.data.slice(1).map((m: { id: string }) => m.id)).toEqual(inOrder.map((m) => m.id));
    // What the sender got back is what is stored, timestamps included.
    expect(listed.body.data.slice(1).map((m: { createdAt: string }) => m.createdAt)).toEqual(inOrder.map((m) => m.createdAt));
  });

  it("stores mentions of members only and notifies each newly mentioned member once", async () => {
    const alice = await makeUser({ name: "Alice" });
    const bob = await makeUser({ name: "Bob Builder" });
    const carol = await makeUser({ name: "Carol" });
    const outsider = await makeUser({ name: "Dave" });
    const room = await openRoom(alice, [{ user: bob }, { user: carol }]);
    const res = await post(alice, room.id, { content: `@bobbuilder please check, @dave too, mail me at alice@example.com, and @${carol.user.id}.` });
    expect(res.body.message.mentions).toEqual([bob.user.id, carol.user.id]);
    const edited = await call(editMessageRoute, { method: "PATCH", key: alice.key, params: { id: room.id, messageId: res.body.message.id }, body: { content: "@bobbuilder and @alice" } });
    expect(edited.status).toBe(200);
    expect(edited.body.message.mentions).toEqual([bob.user.id, alice.user.id]);

    const mentions = await getDb()
      .select()
      .from(outboxEvents)
      .where(and(eq(outboxEvents.type, "room.mention"), sql`${outboxEvents.data}->>'messageId' = ${res.body.message.id}`));
    // Bob and Carol on posting; the edit adds only Alice herself, who is never notified.
    expect(mentions.map((e) => e.userId).sort()).toEqual([bob.user.id, carol.user.id].sort());
    expect(mentions.some((e) => e.userId === outsider.user.id)).toBe(false);
  });

  it("lets only the author edit, within the window, and keeps the history", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const room = await openRoom(alice, [{ user: bob }]);
    const message = (await post(alice, room.id, { content: "v1" })).body.message;
    const params = { id: room.id, messageId: message.id };
    expect((await call(editMessageRoute, { method: "PATCH", key: bob.key, params, body: { content: "hijack" } })).status).toBe(403);
    const v2 = await call(editMessageRoute, { method: "PATCH", key: alice.key, params, body: { content: "v2" } });
    expect(v2.body.message).toMatchObject({ content: "v2", seq: message.seq });
    expect(v2.body.message.editedAt).not.toBeNull();
    await call(editMessageRoute, { method: "PATCH", key: alice.key, params, body: { content: "v3" } });
    const history = await call(historyRoute, { key: bob.key, params });
    expect(history.body.data.map((h: { content: string }) => h.content)).toEqual(["v1", "v2"]);

    // 16 minutes later (the default window is 15).
    await getDb()
      .update(roomMessages)
      .set({ createdAt: sql`now() - interval '16 minutes'` })
      .where(eq(roomMessages.id, message.id));
    const late = await call(editMessageRoute, { method: "PATCH", key: alice.key, params, body: { content: "v4" } });
    expect(late.status).toBe(403);
    expect(late.body.detail).toBe("Messages can be edited only within 15 minutes of posting");
    expect((await call(listMessagesRoute, { key: alice.key, params: { id: room.id }, query: { afterSeq: 1 } })).body.data[0].content).toBe("v3");
  });

  it("soft-deletes for the author, the commander or an admin, and leaves a placeholder", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const carol = await makeUser();
    const admin = await makeUser({ role: "admin" });
    const room = await openRoom(alice, [{ user: bob }, { user: carol }, { user: admin }]);
    const bobs = (await post(bob, room.id, { content: "bob's secret" })).body.message;
    const carols = (await post(carol, room.id, { content: "carol's note" })).body.message;
    const alices = (await post(alice, room.id, { content: "alice's words" })).body.message;

    expect((await call(deleteMessageRoute, { method: "DELETE", key: carol.key, params: { id: room.id, messageId: bobs.id } })).status).toBe(403);
    const byAuthor = await call(deleteMessageRoute, { method: "DELETE", key: bob.key, params: { id: room.id, messageId: bobs.id } });
    expect(byAuthor.body.message).toMatchObject({ id: bobs.id, deleted: true, content: "", data: null, reactions: [] });
    expect((await call(deleteMessageRoute, { method: "DELETE", key: alice.key, params: { id: room.id, messageId: carols.id } })).status).toBe(200);
    expect((await call(deleteMessageRoute, { method: "DELETE", key: admin.key, params: { id: room.id, messageId: alices.id } })).status).toBe(200);
    // Twice is fine.
    expect((await call(deleteMessageRoute, { method: "DELETE", key: bob.key, params: { id: room.id, messageId: bobs.id } })).status).toBe(200);
    // System messages are the record.
    expect((await call(deleteMessageRoute, { method: "DELETE", key: alice.key, params: { id: room.id, messageId: (await call(listMessagesRoute, { key: alice.key, params: { id: room.id } })).body.data[0].id } })).status).toBe(403);

    const listed = await call(listMessagesRoute, { key: carol.key, params: { id: room.id } });
    expect(listed.text).not.toContain("secret");
    expect(listed.body.data.slice(1).map((m: { deleted: boolean; content: string }) => [m.deleted, m.content])).toEqual([
      [true, ""],
      [true, ""],
      [true, ""],
    ]);
    expect((await call(historyRoute, { key: carol.key, params: { id: room.id, messageId: bobs.id } })).status).toBe(404);
    expect((await call(searchRoomRoute, { key: carol.key, params: { id: room.id }, query: { q: "secret" } })).body.data).toEqual([]);
    expect((await call(editMessageRoute, { method: "PATCH", key: bob.key, params: { id: room.id, messageId: bobs.id }, body: { content: "back" } })).status).toBe(404);
  });

  it("counts reactions per emoji, unique per user, observers included", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const watcher = await makeUser();
    const room = await openRoom(alice, [{ user: bob }, { user: watcher, role: "observer" }]);
    const message = (await post(alice, room.id, { content: "rolled back" })).body.message;
    const params = { id: room.id, messageId: message.id };
    await call(reactRoute, { key: alice.key, params, body: { emoji: "👍" } });
    await call(reactRoute, { key: bob.key, params, body: { emoji: "👍" } });
    await call(reactRoute, { key: bob.key, params, body: { emoji: "👍" } });
    const last = await call(reactRoute, { key: watcher.key, params, body: { emoji: "🎉" } });
    expect(last.status).toBe(200);
    expect(last.body.reactions).toEqual([
      { emoji: "👍", count: 2, userIds: [alice.user.id, bob.user.id] },
      { emoji: "🎉", count: 1, userIds: [watcher.user.id] },
    ]);
    const removed = await call(unreactRoute, { method: "DELETE", key: bob.key, params: { ...params, emoji: encodeURIComponent("👍") } });
    expect(removed.body.reactions[0]).toEqual({ emoji: "👍", count: 1, userIds: [alice.user.id] });
    expect((await call(reactRoute, { key: bob.key, params, body: { emoji: "<b>hi</b>" } })).status).toBe(422);
    expect((await call(reactRoute, { key: bob.key, params, body: { emoji: ":+1:" } })).status).toBe(200);
    expect((await call(reactRoute, { key: bob.key, params, body: { emoji: "👩🏽‍💻" } })).status).toBe(200);
    const listed = await call(listMessagesRoute, { key: bob.key, params: { id: room.id }, query: { afterSeq: 1 } });
    expect(listed.body.data[0].reactions.map((r: { emoji: string; count: number }) => [r.emoji, r.count])).toEqual([
      ["👍", 1],
      ["🎉", 1],
      [":+1:", 1],
      ["👩🏽‍💻", 1],
    ]);
  });

  it("keeps observers from posting and pinning", async () => {
    const alice = await makeUser();
    const watcher = await makeUser();
    const room = await openRoom(alice, [{ user: watcher, role: "observer" }]);
    const res = await post(watcher, room.id, { content: "can I?" });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/Observers/);
    const message = (await post(alice, room.id, { content: "pin me" })).body.message;
    expect((await call(pinRoute, { method: "PUT", key: watcher.key, params: { id: room.id, messageId: message.id } })).status).toBe(403);
  });

  it("pins messages to the timeline", async () => {
    const alice = await makeUser();
    const room = await openRoom(alice);
    const message = (await post(alice, room.id, { content: "root cause: expired cert" })).body.message;
    await post(alice, room.id, { content: "chatter" });
    const pinned = await call(pinRoute, { method: "PUT", key: alice.key, params: { id: room.id, messageId: message.id } });
    expect(pinned.body.message).toMatchObject({ pinned: true, pinnedBy: alice.user.id });
    let timeline = await call(timelineRoute, { key: alice.key, params: { id: room.id } });
    expect(timeline.body.data.map((m: { seq: number }) => m.seq)).toEqual([1, message.seq]);
    await call(unpinRoute, { method: "DELETE", key: alice.key, params: { id: room.id, messageId: message.id } });
    timeline = await call(timelineRoute, { key: alice.key, params: { id: room.id } });
    expect(timeline.body.data.map((m: { seq: number }) => m.seq)).toEqual([1]);
  });

  it("unpins a pinned message when it is deleted", async () => {
    const alice = await makeUser();
    const room = await openRoom(alice);
    const message = (await post(alice, room.id, { content: "wrong root cause" })).body.message;
    await call(pinRoute, { method: "PUT", key: alice.key, params: { id: room.id, messageId: message.id } });
    const deleted = await call(deleteMessageRoute, { method: "DELETE", key: alice.key, params: { id: room.id, messageId: message.id } });
    expect(deleted.body.message).toMatchObject({ deleted: true, pinned: false, pinnedAt: null, pinnedBy: null });
    const timeline = await call(timelineRoute, { key: alice.key, params: { id: room.id } });
    expect(timeline.body.data.map((m: { seq: number }) => m.seq)).toEqual([1]);
  });

  it("makes an archived room read-only until it is unarchived", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const room = await openRoom(alice, [{ user: bob }]);
    const message = (await post(bob, room.id, { content: "before" })).body.message;
    expect((await call(patchRoomRoute, { method: "PATCH", key: alice.key, params: { id: room.id }, body: { archived: true } })).body.room.archived).toBe(true);
    expect((await post(bob, room.id, { content: "after" })).status).toBe(409);
    expect((await call(reactRoute, { key: bob.key, params: { id: room.id, messageId: message.id }, body: { emoji: "👍" } })).status).toBe(409);
    expect((await call(editMessageRoute, { method: "PATCH", key: bob.key, params: { id: room.id, messageId: message.id }, body: { content: "x" } })).status).toBe(409);
    expect((await call(deleteMessageRoute, { method: "DELETE", key: bob.key, params: { id: room.id, messageId: message.id } })).status).toBe(409);
    expect((await call(patchRoomRoute, { method: "PATCH", key: alice.key, params: { id: room.id }, body: { status: "resolved" } })).status).toBe(409);
    expect((await call(listMessagesRoute, { key: bob.key, params: { id: room.id } })).status).toBe(200);
    expect((await call(listRoomsRoute, { key: bob.key })).body.data).toEqual([]);
    expect((await call(listRoomsRoute, { key: bob.key, query: { archived: "true" } })).body.data.map((r: Room) => r.id)).toEqual([room.id]);
    expect((await call(patchRoomRoute, { method: "PATCH", key: alice.key, params: { id: room.id }, body: { archived: false } })).status).toBe(200);
    expect((await post(bob, room.id, { content: "after" })).status).toBe(201);
  });

  it("pages messages forwards and backwards by seq", async () => {
    const alice = await makeUser();
    const room = await openRoom(alice);
    // Straight through the domain function: the route would (rightly) rate-limit 11 posts in a second.
    for (let i = 2; i <= 12; i++) await postMessage(getDb(), actorOf(alice), room.id, { content: `m${i}`, type: "text" });
    const latest = await call(listMessagesRoute, { key: alice.key, params: { id: room.id }, query: { limit: 5 } });
    expect(latest.body.data.map((m: { seq: number }) => m.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(latest.body.hasMore).toBe(true);
    const older = await call(listMessagesRoute, { key: alice.key, params: { id: room.id }, query: { limit: 5, cursor: latest.body.nextCursor } });
    expect(older.body.data.map((m: { seq: number }) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    const oldest = await call(listMessagesRoute, { key: alice.key, params: { id: room.id }, query: { limit: 5, beforeSeq: 3 } });
    expect(oldest.body.data.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(oldest.body.hasMore).toBe(false);
    const forwards = await call(listMessagesRoute, { key: alice.key, params: { id: room.id }, query: { limit: 4, afterSeq: 6 } });
    expect(forwards.body.data.map((m: { seq: number }) => m.seq)).toEqual([7, 8, 9, 10]);
    const rest = await call(listMessagesRoute, { key: alice.key, params: { id: room.id }, query: { limit: 4, cursor: forwards.body.nextCursor } });
    expect(rest.body.data.map((m: { seq: number }) => m.seq)).toEqual([11, 12]);
    expect(rest.body.hasMore).toBe(false);
    expect((await call(listMessagesRoute, { key: alice.key, params: { id: room.id }, query: { afterSeq: 1, beforeSeq: 5 } })).status).toBe(422);
  });

  it("searches one room and all of the caller's rooms with full-text search", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const one = await openRoom(alice, [{ user: bob }], { title: "Payments" });
    const two = await openRoom(alice, [], { title: "Search cluster" });
    await post(alice, one.id, { content: "The certificates expired on the load balancer" });
    await post(alice, one.id, { content: "Rolling the deployment back" });
    await post(alice, two.id, { content: "Certificate rotation is scripted now" });

    const inRoom = await call(searchRoomRoute, { key: bob.key, params: { id: one.id }, query: { q: "certificate" } });
    expect(inRoom.body.data.map((m: { content: string }) => m.content)).toEqual(["The certificates expired on the load balancer"]);
    const everywhere = await call(searchAllRoute, { key: alice.key, query: { q: "certificate" } });
    expect(everywhere.body.data.map((m: { roomTitle: string }) => m.roomTitle)).toEqual(["Search cluster", "Payments"]);
    // Bob is not in the second room.
    const bobs = await call(searchAllRoute, { key: bob.key, query: { q: "certificate" } });
    expect(bobs.body.data.map((m: { roomId: string }) => m.roomId)).toEqual([one.id]);
    const phrase = await call(searchAllRoute, { key: alice.key, query: { q: '"deployment back" -certificate' } });
    expect(phrase.body.data).toHaveLength(1);
    const paged = await call(searchAllRoute, { key: alice.key, query: { q: "certificate", limit: 1 } });
    const page2 = await call(searchAllRoute, { key: alice.key, query: { q: "certificate", limit: 1, cursor: paged.body.nextCursor } });
    expect([paged.body.data[0].roomId, page2.body.data[0].roomId]).toEqual([two.id, one.id]);
    expect((await call(searchAllRoute, { key: alice.key, query: { q: "" } })).status).toBe(422);
  });
});
