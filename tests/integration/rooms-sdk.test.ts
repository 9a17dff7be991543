import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { asc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as rooms from "@/app/api/v1/rooms/route";
import * as roomSearch from "@/app/api/v1/rooms/search/route";
import * as room from "@/app/api/v1/rooms/[id]/route";
import * as members from "@/app/api/v1/rooms/[id]/members/route";
import * as messages from "@/app/api/v1/rooms/[id]/messages/route";
import * as messageSearch from "@/app/api/v1/rooms/[id]/messages/search/route";
import * as oneMessage from "@/app/api/v1/rooms/[id]/messages/[messageId]/route";
import * as history from "@/app/api/v1/rooms/[id]/messages/[messageId]/history/route";
import * as reactions from "@/app/api/v1/rooms/[id]/messages/[messageId]/reactions/route";
import * as reaction from "@/app/api/v1/rooms/[id]/messages/[messageId]/reactions/[emoji]/route";
import * as pin from "@/app/api/v1/rooms/[id]/messages/[messageId]/pin/route";
import * as online from "@/app/api/v1/rooms/[id]/online/route";
import * as typing from "@/app/api/v1/rooms/[id]/typing/route";
import * as timeline from "@/app/api/v1/rooms/[id]/timeline/route";
import * as read from "@/app/api/v1/rooms/[id]/read/route";
import { createRoomsApi } from "@/clients/sdk-ts/rest";
import { RoomsSocket, type ConnectionState } from "@/clients/sdk-ts/socket";
import { HubError } from "@/clients/sdk-ts/errors";
import type { RoomEvent } from "@/clients/sdk-ts/types";
import { getDb } from "@/lib/db/client";
import { roomMessages } from "@/lib/db/schema/rooms";
import { setRealtimeServer } from "@/lib/realtime/publish";
import { postMessage } from "@/lib/rooms/post-message";
import { attachRealtime, type Realtime } from "@/server/realtime/index";
import { registerRoomSockets } from "@/server/realtime/rooms";
import { makeUser } from "@/tests/helpers/factories";
import { actorOf, openRoom, until } from "@/tests/helpers/rooms";

/**
 * The TypeScript SDK against the real route handlers and the real realtime
 * layer, on one HTTP port the way the custom server serves them, and
 * restarted on that same port.
 */
type Handler = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Module = Partial<Record<"GET" | "POST" | "PATCH" | "PUT" | "DELETE", Handler>>;

const ROUTES: Array<[RegExp, string[], Module]> = [
  [/^\/api\/v1\/rooms$/, [], rooms],
  [/^\/api\/v1\/rooms\/search$/, [], roomSearch],
  [/^\/api\/v1\/rooms\/([^/]+)$/, ["id"], room],
  [/^\/api\/v1\/rooms\/([^/]+)\/members$/, ["id"], members],
  [/^\/api\/v1\/rooms\/([^/]+)\/messages$/, ["id"], messages],
  [/^\/api\/v1\/rooms\/([^/]+)\/messages\/search$/, ["id"], messageSearch],
  [/^\/api\/v1\/rooms\/([^/]+)\/messages\/([^/]+)$/, ["id", "messageId"], oneMessage],
  [/^\/api\/v1\/rooms\/([^/]+)\/messages\/([^/]+)\/history$/, ["id", "messageId"], history],
  [/^\/api\/v1\/rooms\/([^/]+)\/messages\/([^/]+)\/reactions$/, ["id", "messageId"], reactions],
  [/^\/api\/v1\/rooms\/([^/]+)\/messages\/([^/]+)\/reactions\/([^/]+)$/, ["id", "messageId", "emoji"], reaction],
  [/^\/api\/v1\/rooms\/([^/]+)\/messages\/([^/]+)\/pin$/, ["id", "messageId"], pin],
  [/^\/api\/v1\/rooms\/([^/]+)\/online$/, ["id"], online],
  [/^\/api\/v1\/rooms\/([^/]+)\/typing$/, ["id"], typing],
  [/^\/api\/v1\/rooms\/([^/]+)\/timeline$/, ["id"], timeline],
  [/^\/api\/v1\/rooms\/([^/]+)\/read$/, ["id"], read],
];

async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://hub.test");
  for (const [pattern, names, module] of ROUTES) {
    const match = pattern.exec(url.pathname);
    const handler = match && module[req.method as keyof Module];
    if (!match || !handler) continue;
    // Like Next, hand over the emoji segment as it came (percent-encoded).
    const params = Object.fromEntries(names.map((name, i) => [name, name === "emoji" ? match[i + 1]! : decodeURIComponent(match[i + 1]!)]));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers(Object.entries(req.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])));
    headers.set("x-hub-client-ip", "127.0.0.1");
    const response = await handler(new Request(url, { method: req.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined }), { params: Promise.resolve(params) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  res.writeHead(404).end();
}

type Hub = { url: string; port: number; http: HttpServer; realtime: Realtime; close: () => Promise<void> };
const hubs: Hub[] = [];
const clients: RoomsSocket[] = [];

async function startHub(port = 0): Promise<Hub> {
  const http = createServer((req, res) => void dispatch(req, res));
  const realtime = await attachRealtime(http, { registrars: [registerRoomSockets] });
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  setRealtimeServer(realtime.io);
  const actual = (http.address() as AddressInfo).port;
  const hub: Hub = {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    http,
    realtime,
    close: async () => {
      setRealtimeServer(undefined);
      await realtime.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  hubs.push(hub);
  return hub;
}

function socketFor(hub: Hub, token: string): RoomsSocket {
  const client = new RoomsSocket({ url: hub.url, token, transports: ["websocket"], backoff: { baseMs: 100, maxMs: 1000 } });
  clients.push(client);
  return client;
}

afterAll(async () => {
  for (const client of clients) client.close();
  for (const hub of hubs) await hub.close().catch(() => {});
});

describe("the TypeScript SDK", () => {
  it("drives every room route over REST and turns refusals into HubError", async () => {
    const hub = await startHub();
    const alice = await makeUser({ name: "Alice" });
    const bob = await makeUser({ name: "Bob" });
    const api = createRoomsApi({ baseUrl: hub.url, token: alice.key });
    const asBob = createRoomsApi({ baseUrl: hub.url, token: bob.key });

    const created = await api.createRoom({ title: "Queue backlog", severity: "sev3" });
    expect(created).toMatchObject({ title: "Queue backlog", role: "commander" });
    await expect(asBob.getRoom(created.id)).rejects.toMatchObject({ status: 404 });
    expect(await api.addMember(created.id, { userId: bob.user.id, role: "participant" })).toMatchObject({ userId: bob.user.id, role: "participant" });

    const posted = await api.postMessage(created.id, { content: "consumers are stuck @bob", clientId: "sdk-1" });
    expect(posted).toMatchObject({ seq: 3, mentions: [bob.user.id] });
    expect((await api.postMessage(created.id, { content: "consumers are stuck @bob", clientId: "sdk-1" })).id).toBe(posted.id);
    const edited = await api.editMessage(created.id, posted.id, { content: "consumers are stuck (partition 7)" });
    expect(edited.editedAt).not.toBeNull();
    expect((await api.messageHistory(created.id, posted.id)).map((h) => h.content)).toEqual(["consumers are stuck @bob"]);
    expect((await asBob.react(created.id, posted.id, "👍")).reactions).toEqual([{ emoji: "👍", count: 1, userIds: [bob.user.id] }]);
    expect((await asBob.unreact(created.id, posted.id, "👍")).reactions).toEqual([]);
    expect((await asBob.pin(created.id, posted.id)).pinned).toBe(true);
    expect((await api.timeline(created.id)).data.map((m) => m.seq)).toEqual([1, 3]);
    expect((await api.unpin(created.id, posted.id)).pinned).toBe(false);
    expect((await api.search(created.id, "partition")).data.map((m) => m.id)).toEqual([posted.id]);
    expect((await asBob.searchAll("partition")).data.map((m) => m.roomTitle)).toEqual(["Queue backlog"]);
    // Opened, Bob added, the message: all by Alice.
    expect((await asBob.listRooms()).data[0]).toMatchObject({ id: created.id, unreadCount: 3 });
    expect(await asBob.markRead(created.id, 3)).toEqual({ lastReadSeq: 3 });
    expect((await api.updateRoom(created.id, { status: "monitoring" })).status).toBe("monitoring");
    expect((await api.listMessages(created.id, { afterSeq: 3 })).data.map((m) => m.data?.event)).toEqual(["status_changed"]);
    expect(await api.online(created.id)).toEqual([]);
    expect(await api.typing(created.id)).toEqual([]);

    const tooBig = await api.postMessage(created.id, { content: "x".repeat(11_000) }).catch((error: unknown) => error);
    expect(tooBig).toBeInstanceOf(HubError);
    expect(tooBig).toMatchObject({ status: 413, title: "Payload too large" });
    expect((await api.deleteMessage(created.id, posted.id)).deleted).toBe(true);
    await api.removeMember(created.id, bob.user.id);
    await expect(asBob.listMessages(created.id)).rejects.toMatchObject({ status: 404 });
    await hub.close();
  });

  it("reconnects after a server restart, resumes each room, and delivers the offline queue once, in order", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const carol = await makeUser();
    const roomId = await openRoom(alice, [{ user: bob }, { user: carol }]);

    const first = await startHub();
    const aliceClient = socketFor(first, alice.key);
    const bobClient = socketFor(first, bob.key);
    const states: ConnectionState[] = [];
    aliceClient.on("state", (state) => states.push(state));
    const bobSaw: RoomEvent[] = [];
    bobClient.on("change", (event) => bobSaw.push(event));
    await aliceClient.join(roomId);
    await bobClient.join(roomId);

    const hello = await aliceClient.send(roomId, { content: "hello" });
    await until(() => bobSaw.some((e) => e.type === "message:new" && e.message.id === hello.id), 5000, "hello at Bob");

    // The hub goes away. Alice keeps typing messages; Carol posts through another instance.
    await first.close();
    await until(() => aliceClient.state === "reconnecting" && bobClient.state === "reconnecting", 5000, "reconnecting");
    const queued = ["one", "two", "three"].map((content) => aliceClient.send(roomId, { content }));
    expect(aliceClient.pending.map((p) => p.content)).toEqual(["one", "two", "three"]);
    await postMessage(getDb(), actorOf(carol), roomId, { content: "carol while you were away", type: "text" });
    await postMessage(getDb(), actorOf(carol), roomId, { content: "carol again", type: "text" });

    await startHub(first.port);
    const sent = await Promise.all(queued);
    expect(sent.map((m) => m.content)).toEqual(["one", "two", "three"]);
    expect(states).toContain("reconnecting");
    expect(aliceClient.state).toBe("connected");
    await until(() => bobSaw.filter((e) => e.type === "message:new").length === 6, 10_000, "everything at Bob");

    const stored = await getDb().select({ content: roomMessages.content, authorId: roomMessages.authorId, type: roomMessages.type }).from(roomMessages).where(eq(roomMessages.roomId, roomId)).orderBy(asc(roomMessages.seq));
    expect(stored.filter((m) => m.authorId === alice.user.id && m.type === "text").map((m) => m.content)).toEqual(["hello", "one", "two", "three"]);
    // Bob saw every change once, in order, with no gap.
    const positions = bobSaw.map((e) => e.position);
    expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => positions[0]! + i));
    expect(bobSaw.filter((e) => e.type === "message:new").map((e) => (e.type === "message:new" ? e.message.content : ""))).toEqual([
      "hello",
      "carol while you were away",
      "carol again",
      "one",
      "two",
      "three",
    ]);
    expect(bobClient.position(roomId)).toBe(positions.at(-1));
  });
});
