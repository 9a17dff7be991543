import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { GET as onlineRoute } from "@/app/api/v1/rooms/[id]/online/route";
import { GET as typingRoute } from "@/app/api/v1/rooms/[id]/typing/route";
import { POST as reactRoute } from "@/app/api/v1/rooms/[id]/messages/[messageId]/reactions/route";
import { getConfig, parseConfig, setConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { resetLimiters } from "@/lib/http/rate-limit";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { addMember, removeMember } from "@/lib/rooms/members";
import type { JoinResult, MessageView, PresenceEvent, RoomEvent, TypingEvent } from "@/lib/rooms/schemas";
import { updateRoom } from "@/lib/rooms/update-room";
import { registerRoomSockets } from "@/server/realtime/rooms";
import { makeUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";
import {
  ack,
  actorOf,
  applyEvents,
  captureRoomEvents,
  comparable,
  countByType,
  generateActivity,
  joinAll,
  key,
  openRoom,
  serverState,
  sleep,
  until,
} from "@/tests/helpers/rooms";

type Server = Awaited<ReturnType<typeof startRealtimeServer>>;
const servers: Server[] = [];
const sockets: Socket[] = [];

async function start(): Promise<Server> {
  const server = await startRealtimeServer({ registrars: [registerRoomSockets] });
  servers.push(server);
  setRealtimeServer(server.realtime.io);
  return server;
}

async function connect(server: Server, token: string): Promise<Socket> {
  const socket = await connectClient(server.url, token);
  sockets.push(socket);
  return socket;
}

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

afterAll(async () => {
  for (const server of servers) await server.close().catch(() => {});
  setRealtimeServer(undefined);
});

describe("incident rooms over Socket.IO", () => {
  it("exchanges messages between two users, with acks, positions, presence, typing and reactions", async () => {
    const server = await start();
    const alice = await makeUser({ name: "Alice" });
    const bob = await makeUser({ name: "Bob" });
    const roomId = await openRoom(alice, [{ user: bob }]);

    const a = await connect(server, alice.key);
    const b = await connect(server, bob.key);
    const joinedA = await ack<JoinResult>(a, "room:join", { roomId });
    expect(joinedA).toMatchObject({ ok: true, missed: [], hasMore: false, position: 1, online: [alice.user.id], role: "commander" });
    const bobOnline = nextEvent<PresenceEvent>(a, "presence");
    const joinedB = await ack<JoinResult>(b, "room:join", { roomId });
    expect(joinedB.ok && [...joinedB.online].sort()).toEqual([alice.user.id, bob.user.id].sort());
    expect(await bobOnline).toMatchObject({ roomId, userId: bob.user.id, status: "online" });

    const atBob = nextEvent<RoomEvent & { message: MessageView }>(b, "message:new");
    const sent = await ack<{ message: MessageView; created: boolean }>(a, "message:send", { roomId, content: "<script>alert(1)</script> is just text", clientId: "a-1" });
    expect(sent).toMatchObject({ ok: true, created: true, message: { seq: 2, authorId: alice.user.id, content: "<script>alert(1)</script> is just text" } });
    const received = await atBob;
    expect(received).toMatchObject({ type: "message:new", roomId, position: 2, message: { id: sent.ok ? sent.message.id : "", content: "<script>alert(1)</script> is just text" } });

    const atAlice = nextEvent<RoomEvent & { message: MessageView }>(a, "message:new");
    await ack(b, "message:send", { roomId, content: "ack @alice", clientId: "b-1" });
    expect((await atAlice).message).toMatchObject({ content: "ack @alice", mentions: [alice.user.id], seq: 3 });

    // Typing: Bob sees Alice start, the REST view lists her, and it ends by itself after 3 s.
    const typingStart = nextEvent<TypingEvent>(b, "typing");
    expect(await ack(a, "typing", { roomId })).toMatchObject({ ok: true });
    expect(await typingStart).toMatchObject({ roomId, userId: alice.user.id, typing: true });
    const listed = await call(typingRoute, { key: bob.key, params: { id: roomId } });
    expect(listed.body.data.map((t: { userId: string }) => t.userId)).toEqual([alice.user.id]);
    const typingEnd = nextEvent<TypingEvent>(b, "typing", 5000);
    const startedAt = Date.now();
    expect(await typingEnd).toMatchObject({ userId: alice.user.id, typing: false });
    expect(Date.now() - startedAt).toBeGreaterThan(2000);
    expect((await call(typingRoute, { key: bob.key, params: { id: roomId } })).body.data).toEqual([]);

    // A reaction made over REST reaches the socket with its counts.
    const reaction = nextEvent<RoomEvent>(a, "reaction:updated");
    await call(reactRoute, { key: bob.key, params: { id: roomId, messageId: sent.ok ? sent.message.id : "" }, body: { emoji: "👀" } });
    expect(await reaction).toMatchObject({ type: "reaction:updated", position: 4, userId: bob.user.id, emoji: "👀", op: "added", reactions: [{ emoji: "👀", count: 1 }] });

    // Status changes reach everyone as a timeline entry and a room update.
    const update = nextEvent<RoomEvent>(b, "room:updated");
    await updateRoom(getDb(), actorOf(alice), roomId, { status: "identified" });
    expect(await update).toMatchObject({ type: "room:updated", position: 6, changed: ["status"], room: { status: "identified" } });

    const online = await call(onlineRoute, { key: alice.key, params: { id: roomId } });
    expect(online.body.data.map((u: { name: string }) => u.name).sort()).toEqual(["Alice", "Bob"]);
  });

  it("debounces typing per user and clears it when the message is sent", async () => {
    const server = await start();
    const alice = await makeUser();
    const bob = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }]);
    const a = await connect(server, alice.key);
    const b = await connect(server, bob.key);
    await ack(a, "room:join", { roomId });
    await ack(b, "room:join", { roomId });
    const typing: TypingEvent[] = [];
    b.on("typing", (event: TypingEvent) => typing.push(event));
    for (let i = 0; i < 10; i++) {
      await ack(a, "typing", { roomId });
      await sleep(50);
    }
    await sleep(100);
    expect(typing.filter((t) => t.typing)).toHaveLength(1);
    await ack(a, "message:send", { roomId, content: "done typing", clientId: "t-1" });
    await until(() => typing.some((t) => !t.typing), 2000, "typing stop");
    expect(typing.at(-1)).toMatchObject({ userId: alice.user.id, typing: false });
  });

  it("resumes a client that missed 200 messages with edits, deletions and reactions, with exactly those changes", async () => {
    const server = await start();
    const alice = await makeUser();
    const bob = await makeUser();
    const carol = await makeUser();
    const dave = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }, { user: carol }, { user: dave }]);

    const watcher = await connect(server, dave.key);
    await ack(watcher, "room:join", { roomId });
    const live = captureRoomEvents(watcher);

    const sleeper = await connect(server, carol.key);
    const joined = await joinAll(sleeper, roomId);
    const before = await serverState(carol, roomId);
    const lastSeq = joined.position;
    sleeper.close();

    const activity = await generateActivity(roomId, [alice, bob, carol], { messages: 200, edits: 150, deletes: 40, reactions: 160 });
    const changes = activity.messages + activity.edits + activity.deletes + activity.reactionsAdded + activity.reactionsRemoved;
    await until(() => live.length >= changes, 10_000, "live events");

    const back = await connect(server, carol.key);
    const resumed = await joinAll(back, roomId, lastSeq);
    // More than one page of 500 changes.
    expect(resumed.pages).toBeGreaterThan(1);
    expect(resumed.missed.map(key)).toEqual([...live].sort((x, y) => x.position - y.position).map(key));
    expect(resumed.missed.map((e) => e.position)).toEqual(Array.from({ length: changes }, (_, i) => lastSeq + 1 + i));
    expect(countByType(resumed.missed)).toEqual({
      "message:new": activity.messages,
      "message:edited": activity.edits,
      "message:deleted": activity.deletes,
      "reaction:added": activity.reactionsAdded,
      "reaction:removed": activity.reactionsRemoved,
    });
    // Applying what it missed brings the client to exactly the server's state, deleted content gone.
    expect(comparable(applyEvents(before, resumed.missed))).toEqual(comparable(await serverState(carol, roomId)));
    const deleted = new Set([...(await serverState(carol, roomId)).values()].filter((m) => m.deleted).map((m) => m.id));
    expect(deleted.size).toBe(activity.deletes);
    expect(resumed.missed.filter((e) => "message" in e && deleted.has(e.message.id) && e.message.content !== "")).toEqual([]);
    // Nothing more to get.
    const again = await joinAll(back, roomId, resumed.position);
    expect(again.missed).toEqual([]);
  }, 120_000);

  it("resumes exactly the same way after a server restart", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const carol = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }, { user: carol }]);

    const first = await start();
    const sleeper = await connect(first, carol.key);
    await ack(sleeper, "message:send", { roomId, content: "before the restart", clientId: "r-0" });
    const joined = await joinAll(sleeper, roomId, 0);
    const before = applyEvents(new Map(), joined.missed);
    sleeper.close();
    await first.close();
    setRealtimeServer(undefined);

    // The hub is down while the incident goes on (writes through the API of another instance).
    const activity = await generateActivity(roomId, [alice, bob], { messages: 200, edits: 60, deletes: 25, reactions: 80 });
    const changes = activity.messages + activity.edits + activity.deletes + activity.reactionsAdded + activity.reactionsRemoved;

    const second = await start();
    const back = await connect(second, carol.key);
    const resumed = await joinAll(back, roomId, joined.position);
    expect(resumed.missed.map((e) => e.position)).toEqual(Array.from({ length: changes }, (_, i) => joined.position + 1 + i));
    expect(countByType(resumed.missed)).toEqual({
      "message:new": activity.messages,
      "message:edited": activity.edits,
      "message:deleted": activity.deletes,
      "reaction:added": activity.reactionsAdded,
      "reaction:removed": activity.reactionsRemoved,
    });
    expect(comparable(applyEvents(before, resumed.missed))).toEqual(comparable(await serverState(carol, roomId)));
  }, 120_000);

  it("refuses a non-member on join, send and typing with 404 and sends them nothing", async () => {
    const server = await start();
    const alice = await makeUser();
    const mallory = await makeUser();
    const roomId = await openRoom(alice);
    const m = await connect(server, mallory.key);
    const seen = captureRoomEvents(m);
    expect(await ack(m, "room:join", { roomId })).toMatchObject({ ok: false, error: { status: 404, title: "Not found" } });
    expect(await ack(m, "room:join", { roomId: "room_doesnotexist" })).toMatchObject({ ok: false, error: { status: 404 } });
    expect(await ack(m, "message:send", { roomId, content: "let me in", clientId: "m-1" })).toMatchObject({ ok: false, error: { status: 404 } });
    expect(await ack(m, "typing", { roomId })).toMatchObject({ ok: false, error: { status: 404 } });
    const a = await connect(server, alice.key);
    await ack(a, "room:join", { roomId });
    await ack(a, "message:send", { roomId, content: "private", clientId: "a-1" });
    await sleep(200);
    expect(seen).toEqual([]);
    expect(await ack(m, "room:join", { roomId: 42 })).toMatchObject({ ok: false, error: { status: 422 } });
  });

  it("lets an observer follow but not post, and checks membership on every send", async () => {
    const server = await start();
    const alice = await makeUser();
    const watcher = await makeUser();
    const bob = await makeUser();
    const roomId = await openRoom(alice, [{ user: watcher, role: "observer" }, { user: bob }]);
    const w = await connect(server, watcher.key);
    const b = await connect(server, bob.key);
    expect(await ack(w, "room:join", { roomId })).toMatchObject({ ok: true, role: "observer" });
    await ack(b, "room:join", { roomId });
    const refused = await ack(w, "message:send", { roomId, content: "can I?", clientId: "w-1" });
    expect(refused).toMatchObject({ ok: false, error: { status: 403 } });
    expect(await ack(w, "typing", { roomId })).toMatchObject({ ok: false, error: { status: 403 } });
    const incoming = nextEvent<RoomEvent>(w, "message:new");
    await ack(b, "message:send", { roomId, content: "observers see this", clientId: "b-1" });
    expect(await incoming).toMatchObject({ message: { content: "observers see this" } });

    // Bob is removed mid-session: his next send is refused and the room stops reaching his socket.
    const bobEvents = captureRoomEvents(b);
    await removeMember(getDb(), actorOf(alice), roomId, bob.user.id);
    expect(await ack(b, "message:send", { roomId, content: "still here", clientId: "b-2" })).toMatchObject({ ok: false, error: { status: 404 } });
    await addMember(getDb(), actorOf(alice), roomId, { userId: watcher.user.id, role: "participant" });
    await sleep(200);
    // Position 3 is his own removal; position 4 (the watcher's promotion) must not reach him.
    expect(bobEvents.filter((e) => e.position >= 4)).toEqual([]);
  });

  it("turns a repeated clientId into one message and one event", async () => {
    const server = await start();
    const alice = await makeUser();
    const bob = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }]);
    const a = await connect(server, alice.key);
    const b = await connect(server, bob.key);
    await ack(a, "room:join", { roomId });
    await ack(b, "room:join", { roomId });
    const seen = captureRoomEvents(b);
    const replies = await Promise.all([1, 2, 3].map(() => ack<{ message: MessageView; created: boolean }>(a, "message:send", { roomId, content: "deploy frozen", clientId: "dup-1" })));
    const ids = new Set(replies.map((r) => (r.ok ? r.message.id : "refused")));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => r.ok && r.created)).toHaveLength(1);
    await sleep(200);
    expect(seen.filter((e) => e.type === "message:new")).toHaveLength(1);
  });

  it("holds 10 messages per second per user and reports refusals in the ack", async () => {
    const server = await start();
    const alice = await makeUser();
    const roomId = await openRoom(alice);
    const a = await connect(server, alice.key);
    const tab2 = await connect(server, alice.key);
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => ack<{ message: MessageView }>(i % 2 ? a : tab2, "message:send", { roomId, content: `flood ${i}`, clientId: `f-${i}` })),
    );
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const accepted = replies.filter((r) => r.ok);
    const refused = replies.filter((r) => !r.ok);
    // Two tabs share one quota; windows are one second long.
    expect(accepted.length).toBeLessThanOrEqual(10 * (seconds + 1));
    expect(refused.length).toBeGreaterThanOrEqual(30 - 10 * (seconds + 1));
    for (const reply of refused) expect(reply).toMatchObject({ ok: false, error: { status: 429, title: "Too many requests", detail: expect.stringMatching(/At most 10 messages per second/) } });
  });

  it("counts presence per user across tabs", async () => {
    const server = await start();
    const alice = await makeUser();
    const bob = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }]);
    const b = await connect(server, bob.key);
    await ack(b, "room:join", { roomId });
    const presence: PresenceEvent[] = [];
    b.on("presence", (event: PresenceEvent) => presence.push(event));

    const tab1 = await connect(server, alice.key);
    const tab2 = await connect(server, alice.key);
    await ack(tab1, "room:join", { roomId });
    await ack(tab2, "room:join", { roomId });
    // Joining again (a resume page) is not a new arrival.
    await ack(tab2, "room:join", { roomId, lastSeq: 0 });
    await until(() => presence.length >= 1, 2000, "online event");
    await sleep(100);
    expect(presence).toEqual([{ roomId, userId: alice.user.id, status: "online", online: [alice.user.id, bob.user.id].sort() }]);
    const counts = await call(onlineRoute, { key: bob.key, params: { id: roomId } });
    expect(counts.body.data.find((u: { userId: string }) => u.userId === alice.user.id).connections).toBe(2);

    tab1.close();
    await sleep(200);
    expect(presence).toHaveLength(1);
    tab2.close();
    await until(() => presence.length === 2, 2000, "offline event");
    expect(presence[1]).toEqual({ roomId, userId: alice.user.id, status: "offline", online: [bob.user.id] });
    await ack(b, "room:leave", { roomId });
    expect((await call(onlineRoute, { key: bob.key, params: { id: roomId } })).body.data).toEqual([]);
  });

  it("limits connection attempts per IP and says so in connect_error", async () => {
    const saved = getConfig();
    setConfig(parseConfig({ NODE_ENV: "test", DATABASE_URL: saved.DATABASE_URL, AUTH_SECRET: saved.AUTH_SECRET, RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE: "3" }));
    resetLimiters();
    try {
      const server = await start();
      const alice = await makeUser();
      for (let i = 0; i < 3; i++) await connect(server, alice.key);
      const error = await connect(server, alice.key).then(
        () => undefined,
        (failure: Error & { data?: { status: number; retryAfterSeconds: number } }) => failure,
      );
      expect(error?.message).toBe("Too many connection attempts");
      expect(error?.data).toMatchObject({ status: 429 });
      expect(error?.data?.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      setConfig(saved);
      resetLimiters();
    }
  });
});
