import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local webhook endpoint on a port from the OS. It records every request
 * (headers and the raw body, byte for byte) and answers with whatever
 * `respond` says, so a test can make it succeed, fail or hang.
 */
export type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; rawBody: string };
export type Reply = { status: number; body?: string; delayMs?: number };

export async function startReceiver(respond: (request: ReceivedRequest, index: number) => Reply = () => ({ status: 200, body: "ok" })) {
  const requests: ReceivedRequest[] = [];
  let reply = respond;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, rawBody: Buffer.concat(chunks).toString("utf8") };
      requests.push(request);
      const answer = reply(request, requests.length - 1);
      const send = () => {
        if (res.destroyed) return;
        res.statusCode = answer.status;
        res.end(answer.body ?? "");
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    respondWith(next: (request: ReceivedRequest, index: number) => Reply) {
      reply = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
