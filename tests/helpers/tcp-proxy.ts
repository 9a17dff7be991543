import net from "node:net";

export type TcpProxy = {
  url: string;
  port: number;
  /** Connections accepted per upstream port, for assertions and benchmark reports. */
  connections: Map<number, number>;
  close: () => Promise<void>;
};

/**
 * A tiny loopback load balancer, standing in for Caddy / ingress-nginx in
 * tests and benchmarks: each TCP connection goes to the next upstream in
 * round-robin order and stays there (so a WebSocket is sticky by
 * construction), and a connection an upstream refuses moves on to the next
 * one, as a proxy's passive health check does when an instance dies.
 */
export async function startTcpProxy(upstreamPorts: number[], options: { host?: string } = {}): Promise<TcpProxy> {
  const host = options.host ?? "127.0.0.1";
  const connections = new Map<number, number>(upstreamPorts.map((port) => [port, 0]));
  const open = new Set<net.Socket>();
  let next = 0;

  const server = net.createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    const start = next++ % upstreamPorts.length;
    const attempt = (tried: number) => {
      if (tried >= upstreamPorts.length) {
        client.destroy();
        return;
      }
      const port = upstreamPorts[(start + tried) % upstreamPorts.length]!;
      const upstream = net.connect({ port, host });
      const refused = () => {
        upstream.destroy();
        attempt(tried + 1);
      };
      upstream.once("error", refused);
      upstream.once("connect", () => {
        upstream.off("error", refused);
        connections.set(port, (connections.get(port) ?? 0) + 1);
        open.add(upstream);
        upstream.on("close", () => {
          open.delete(upstream);
          client.destroy();
        });
        upstream.on("error", () => upstream.destroy());
        client.on("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });

  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    connections,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
