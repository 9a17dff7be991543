import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import { GET as onlineRoute } from "@/app/api/v1/rooms/[id]/online/route";
import { GET as typingRoute } from "@/app/api/v1/rooms/[id]/typing/route";
import { resetLimiters } from "@/lib/http/rate-limit";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { connectRedis, setRedis, type RedisClient } from "@/lib/realtime/redis";
import type { JoinResult, MessageView, PresenceEvent, RoomEvent, TypingEvent } from "@/lib/rooms/schemas";
import { registerRoomSockets } from "@/server/realtime/rooms";
import { makeUser } from "@/tests/helpers/factories";
import { call } from "@/tests/helpers/http";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";
import { ack, applyEvents, captureRoomEvents, comparable, countByType, generateActivity, joinAll, key, openRoom, serverState, sleep, until } from "@/tests/helpers/rooms";

/**
 * Two instances of the realtime layer sharing Redis (the adapter, presence,
 * typing and rate limits) and one database: what a deploy with two app
 * containers behind a proxy runs.
 */
const redisUrl = inject("redisUrl");
type Server = Awaited<ReturnType<typeof startRealtimeServer>>;
let a: Server;
let b: Server;
let redis: RedisClient;
const sockets: Socket[] = [];

async function connect(server: Server, token: string): Promise<Socket> {
  const socket = await connectClient(server.url, token);
  sockets.push(socket);
  return socket;
}

describe.skipIf(!redisUrl)("incident rooms across two instances with Redis", () => {
  beforeAll(async () => {
    redis = await connectRedis(redisUrl!);
    setRedis(redis);
    resetLimiters();
    a = await startRealtimeServer({ redisUrl: redisUrl!, registrars: [registerRoomSockets] });
    b = await startRealtimeServer({ redisUrl: redisUrl!, registrars: [registerRoomSockets] });
    // Domain writes publish through instance A, as they would in A's process.
    setRealtimeServer(a.realtime.io);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    setRealtimeServer(undefined);
    await a?.close();
    await b?.close();
    setRedis(undefined);
    resetLimiters();
    await redis?.quit();
  });

  it("delivers a message sent on A to a member on B, and resumes B's client exactly after it missed 200 changes", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const carol = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }, { user: carol }]);

    const sender = await connect(a, alice.key);
    const receiver = await connect(b, bob.key);
    const watcher = await connect(b, carol.key);
    await ack(sender, "room:join", { roomId });
    const joined = await joinAll(receiver, roomId);
    await ack(watcher, "room:join", { roomId });
    // Let B's adapter subscribe to the room before A publishes.
    await sleep(200);
    const live = captureRoomEvents(watcher);

    const incoming = nextEvent<RoomEvent & { message: MessageView }>(receiver, "message:new");
    const sent = await ack<{ message: MessageView }>(sender, "message:send", { roomId, content: "from instance A", clientId: "x-1" });
    expect(sent.ok).toBe(true);
    expect((await incoming).message).toMatchObject({ content: "from instance A", authorId: alice.user.id });

    const before = await serverState(bob, roomId);
    const lastSeq = joined.position + 1;
    receiver.close();
    const activity = await generateActivity(roomId, [alice, carol], { messages: 200, edits: 50, deletes: 20, reactions: 60 });
    const changes = activity.messages + activity.edits + activity.deletes + activity.reactionsAdded + activity.reactionsRemoved;
    await until(() => live.length >= changes + 1, 15_000, "live events on B");

    const back = await connect(b, bob.key);
    const resumed = await joinAll(back, roomId, lastSeq);
    expect(resumed.missed.map((e) => e.position)).toEqual(Array.from({ length: changes }, (_, i) => lastSeq + 1 + i));
    expect(resumed.missed.map(key)).toEqual(live.slice(1).sort((x, y) => x.position - y.position).map(key));
    expect(countByType(resumed.missed)["message:new"]).toBe(200);
    expect(comparable(applyEvents(before, resumed.missed))).toEqual(comparable(await serverState(bob, roomId)));

    // The same client moving to instance A resumes from where it stands: nothing new.
    const moved = await connect(a, bob.key);
    expect((await joinAll(moved, roomId, resumed.position)).missed).toEqual([]);
  }, 120_000);

  it("keeps presence right with tabs on both instances", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }]);
    const watcher = await connect(b, bob.key);
    await ack(watcher, "room:join", { roomId });
    await sleep(200);
    const presence: PresenceEvent[] = [];
    watcher.on("presence", (event: PresenceEvent) => presence.push(event));

    const tabOnA = await connect(a, alice.key);
    const tabOnB = await connect(b, alice.key);
    const first = await ack<JoinResult>(tabOnA, "room:join", { roomId });
    expect(first.ok && [...first.online].sort()).toEqual([alice.user.id, bob.user.id].sort());
    await ack(tabOnB, "room:join", { roomId });
    await until(() => presence.length >= 1, 3000, "online");
    await sleep(200);
    expect(presence.map((p) => [p.userId, p.status])).toEqual([[alice.user.id, "online"]]);
    const online = await call(onlineRoute, { key: bob.key, params: { id: roomId } });
    expect(online.body.data.find((u: { userId: string }) => u.userId === alice.user.id).connections).toBe(2);

    tabOnA.close();
    await sleep(300);
    expect(presence).toHaveLength(1);
    expect((await call(onlineRoute, { key: bob.key, params: { id: roomId } })).body.data.find((u: { userId: string }) => u.userId === alice.user.id).connections).toBe(1);
    tabOnB.close();
    await until(() => presence.length === 2, 3000, "offline");
    expect(presence[1]).toMatchObject({ userId: alice.user.id, status: "offline", online: [bob.user.id] });
  });

  it("shares typing between instances", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }]);
    const onA = await connect(a, alice.key);
    const onB = await connect(b, bob.key);
    await ack(onA, "room:join", { roomId });
    await ack(onB, "room:join", { roomId });
    await sleep(200);
    const typing = nextEvent<TypingEvent>(onB, "typing");
    await ack(onA, "typing", { roomId });
    expect(await typing).toMatchObject({ userId: alice.user.id, typing: true });
    const listed = await call(typingRoute, { key: bob.key, params: { id: roomId } });
    expect(listed.body.data.map((t: { userId: string }) => t.userId)).toEqual([alice.user.id]);
    expect(await nextEvent<TypingEvent>(onB, "typing", 5000)).toMatchObject({ userId: alice.user.id, typing: false });
  });
});
