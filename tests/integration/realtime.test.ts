import { afterAll, describe, expect, inject, it } from "vitest";
import { publish, setRealtimeServer } from "@/lib/realtime/publish";
import { connectClient, nextEvent, startRealtimeServer } from "@/tests/helpers/realtime";
import { makeUser } from "@/tests/helpers/factories";

const redisUrl = inject("redisUrl");
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  setRealtimeServer(undefined);
});

describe("realtime", () => {
  it("authenticates the handshake and joins the user's room", async () => {
    const server = await startRealtimeServer();
    cleanups.push(server.close);
    setRealtimeServer(server.realtime.io);
    const alice = await makeUser();
    const bob = await makeUser();
    await expect(connectClient(server.url, undefined)).rejects.toThrow(/Unauthorized/);
    await expect(connectClient(server.url, "mh_wrong")).rejects.toThrow(/Unauthorized/);

    const aliceSocket = await connectClient(server.url, alice.key);
    const bobSocket = await connectClient(server.url, bob.key);
    let bobGotIt = false;
    bobSocket.on("hub:test", () => (bobGotIt = true));
    const received = nextEvent<{ n: number }>(aliceSocket, "hub:test");
    publish(`user:${alice.user.id}`, "hub:test", { n: 1 });
    expect(await received).toEqual({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bobGotIt).toBe(false);
    aliceSocket.close();
    bobSocket.close();
  });

  it.skipIf(!redisUrl)("delivers an event published on instance A to a socket on instance B through Redis", async () => {
    const a = await startRealtimeServer({ redisUrl: redisUrl! });
    const b = await startRealtimeServer({ redisUrl: redisUrl! });
    cleanups.push(a.close, b.close);
    const alice = await makeUser();
    const onB = await connectClient(b.url, alice.key);
    // Let B's adapter subscribe before A publishes.
    await new Promise((resolve) => setTimeout(resolve, 200));
    setRealtimeServer(a.realtime.io);
    const received = nextEvent<{ from: string }>(onB, "hub:message");
    publish(`user:${alice.user.id}`, "hub:message", { from: "instance A" });
    expect(await received).toEqual({ from: "instance A" });
    onB.close();
  });
});
