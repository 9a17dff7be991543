import type { Server } from "socket.io";
import { afterEach, describe, expect, it } from "vitest";
import { deliversAcrossInstances, publish, setRealtimeServer } from "@/lib/realtime/publish";

/** A stand-in for the Socket.IO server: its rooms, and a log of what was emitted to which. */
function fakeServer(rooms: string[]) {
  const emitted: string[] = [];
  const io = {
    of: () => ({ adapter: { rooms: new Map(rooms.map((room) => [room, new Set(["socket-1"])])) } }),
    to: (target: string | string[]) => ({ emit: (event: string) => emitted.push(`${[target].flat().join("+")} ${event}`) }),
  };
  return { io: io as unknown as Server, emitted };
}

afterEach(() => setRealtimeServer(undefined));

describe("publish", () => {
  it("emits only to rooms that have a socket in this process when the adapter is in-process", () => {
    const { io, emitted } = fakeServer(["user:alice"]);
    setRealtimeServer(io);
    publish("user:bob", "hub:message", { n: 1 });
    publish("user:alice", "hub:message", { n: 2 });
    publish(["room:r1", "user:alice"], "room:message", { n: 3 });
    publish(["room:r1", "user:bob"], "room:message", { n: 4 });
    expect(emitted).toEqual(["user:alice hub:message", "room:r1+user:alice room:message"]);
  });

  it("always emits through a cross-instance adapter, whose rooms may have sockets on other instances", () => {
    const { io, emitted } = fakeServer([]);
    deliversAcrossInstances(io);
    setRealtimeServer(io);
    publish("user:bob", "hub:message", { n: 1 });
    expect(emitted).toEqual(["user:bob hub:message"]);
  });
});
