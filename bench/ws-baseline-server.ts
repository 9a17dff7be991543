/**
 * The baseline for bench/rooms.ts: a bare `ws` server that does only the
 * transport part of a chat room (join a room, broadcast each message to its
 * members, ack the sender) with no authentication, no database and no
 * Socket.IO framing. Whatever the hub costs above this is the price of
 * durability, auth and the protocol. Prints {"port"} when listening.
 */
import { WebSocketServer, type WebSocket } from "ws";

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
const rooms = new Map<string, Set<WebSocket>>();
let nextId = 0;

wss.on("connection", (ws) => {
  let room: string | undefined;
  ws.on("message", (raw) => {
    const message = JSON.parse(raw.toString()) as { join?: string; send?: string; clientId?: string };
    if (message.join) {
      room = message.join;
      let members = rooms.get(room);
      if (!members) rooms.set(room, (members = new Set()));
      members.add(ws);
      ws.send(JSON.stringify({ joined: room }));
      return;
    }
    if (message.send !== undefined && room) {
      const frame = JSON.stringify({ room, id: ++nextId, content: message.send });
      for (const peer of rooms.get(room) ?? []) peer.send(frame);
      ws.send(JSON.stringify({ ack: message.clientId, id: nextId }));
    }
  });
  ws.on("close", () => {
    if (room) rooms.get(room)?.delete(ws);
  });
});

wss.on("listening", () => {
  const address = wss.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);
});

process.on("SIGTERM", () => wss.close(() => process.exit(0)));
