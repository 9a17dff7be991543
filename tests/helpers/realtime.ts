import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { attachRealtime, type Realtime, type SocketRegistrar } from "@/server/realtime/index";

/**
 * A bare HTTP server with the hub's realtime layer attached, as the custom
 * server attaches it, without Next in front. Route handlers are called
 * directly in tests; sockets connect here.
 */
export async function startRealtimeServer(options: { redisUrl?: string; redisKeyPrefix?: string; registrars?: SocketRegistrar[] } = {}): Promise<{ url: string; realtime: Realtime; http: HttpServer; close: () => Promise<void> }> {
  const http = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const realtime = await attachRealtime(http, options);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    realtime,
    http,
    close: async () => {
      await realtime.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Connects a client with an API key and waits until it is connected (or refused). */
export async function connectClient(url: string, token: string | undefined): Promise<Socket> {
  const socket = connect(url, { auth: token ? { token } : {}, transports: ["websocket"], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (error) => reject(error));
  });
  return socket;
}

export function nextEvent<T = unknown>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}
