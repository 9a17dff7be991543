import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay } from "./backoff";
import { HubError } from "./errors";
import { RoomStream } from "./room-stream";
import { RoomsSocket, type Transport } from "./socket";
import type { MessageView, RoomEvent } from "./types";

type Payload = { roomId?: string; clientId?: string; lastSeq?: number; content?: string };
type AnyHandler = (...args: unknown[]) => void;

/** A scripted stand-in for the socket: the test decides when it connects, drops, and what the server answers. */
class FakeTransport implements Transport {
  connected = false;
  connectCalls = 0;
  sent: Array<{ event: string; payload: Payload }> = [];
  respond: (event: string, payload: Payload) => unknown | Promise<unknown> = () => ({ ok: true });
  private handlers = new Map<string, AnyHandler[]>();

  connect(): void {
    this.connectCalls++;
  }
  disconnect(): void {
    // Like socket.io: a client-side disconnect of an open socket fires "disconnect".
    const was = this.connected;
    this.connected = false;
    if (was) this.fire("disconnect", "io client disconnect");
  }
  on(event: string, listener: (...args: never[]) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener as unknown as AnyHandler]);
  }
  emitWithAck(event: string, payload: unknown): Promise<unknown> {
    this.sent.push({ event, payload: payload as Payload });
    return Promise.resolve(this.respond(event, payload as Payload));
  }
  fire(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  open(): void {
    this.connected = true;
    this.fire("connect");
  }
  drop(): void {
    this.connected = false;
    this.fire("disconnect", "transport close");
  }
}

const message = (id: string, seq: number, position = seq): MessageView => ({
  id,
  roomId: "room_1",
  seq,
  authorId: "usr_a",
  clientId: null,
  type: "text",
  content: id,
  data: null,
  mentions: [],
  pinned: false,
  pinnedAt: null,
  pinnedBy: null,
  editedAt: null,
  deleted: false,
  deletedAt: null,
  reactions: [],
  changeSeq: position,
  createdAt: new Date(0).toISOString(),
});
const newEvent = (position: number): RoomEvent => ({ type: "message:new", roomId: "room_1", position, message: message(`m${position}`, position) });
const joinReply = (position: number, missed: RoomEvent[] = [], hasMore = false) => ({ ok: true, room: {}, role: "participant", missed, hasMore, position, online: ["usr_a"] });
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe("backoffDelay", () => {
  it("doubles from 1 s and caps at 30 s", () => {
    expect(Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
  it("spreads clients when asked to, never above the exact delay", () => {
    expect(backoffDelay(3, { jitter: 0.5 }, () => 1)).toBe(4000);
    expect(backoffDelay(3, { jitter: 0.5 }, () => 0)).toBe(8000);
  });
});

describe("RoomStream", () => {
  it("applies in order, drops duplicates, holds early events until the gap fills", () => {
    const seen: number[] = [];
    const onGap = vi.fn();
    const stream = new RoomStream(4, (event) => seen.push(event.position), onGap);
    stream.push(newEvent(5));
    stream.push(newEvent(5));
    stream.push(newEvent(3));
    stream.push(newEvent(7));
    expect(seen).toEqual([5]);
    expect(stream.waiting).toBe(1);
    stream.push(newEvent(6));
    expect(seen).toEqual([5, 6, 7]);
    expect(stream.position).toBe(7);
    stream.dispose();
    expect(onGap).not.toHaveBeenCalled();
  });

  it("asks for a resync when a gap stays open", () => {
    vi.useFakeTimers();
    try {
      const onGap = vi.fn();
      const stream = new RoomStream(1, () => {}, onGap, 500);
      stream.push(newEvent(3));
      vi.advanceTimersByTime(499);
      expect(onGap).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(onGap).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("RoomsSocket", () => {
  let fake: FakeTransport;
  let ids: number;
  const make = (options: ConstructorParameters<typeof RoomsSocket>[0] = {}) =>
    new RoomsSocket({ createTransport: () => fake, newClientId: () => `c${++ids}`, gapTimeoutMs: 100, ...options });

  beforeEach(() => {
    fake = new FakeTransport();
    ids = 0;
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reconnects with 1, 2, 4, 8… s backoff and starts over after a success", async () => {
    const client = make();
    const states: Array<[string, number | undefined]> = [];
    client.on("state", (state, info) => states.push([state, info.delayMs]));
    expect(fake.connectCalls).toBe(1);
    fake.fire("connect_error", new Error("boom"));
    for (const delay of [1000, 2000, 4000, 8000, 16000, 30000, 30000]) {
      vi.advanceTimersByTime(delay - 1);
      const before = fake.connectCalls;
      vi.advanceTimersByTime(1);
      expect(fake.connectCalls).toBe(before + 1);
      fake.fire("connect_error", new Error("still down"));
    }
    expect(states.filter(([state]) => state === "reconnecting").map(([, delay]) => delay)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    fake.open();
    expect(client.state).toBe("connected");
    fake.drop();
    expect(states.at(-1)).toEqual(["reconnecting", 1000]);
    client.close();
  });

  it("stops on 401 and honours Retry-After on 429", () => {
    const client = make();
    fake.fire("connect_error", Object.assign(new Error("Too many connection attempts"), { data: { status: 429, retryAfterSeconds: 12 } }));
    const before = fake.connectCalls;
    vi.advanceTimersByTime(11_999);
    expect(fake.connectCalls).toBe(before);
    vi.advanceTimersByTime(1);
    expect(fake.connectCalls).toBe(before + 1);
    const errors: HubError[] = [];
    client.on("error", ({ error }) => errors.push(error));
    fake.fire("connect_error", Object.assign(new Error("Unauthorized"), { data: { status: 401 } }));
    expect(client.state).toBe("closed");
    expect(errors[0]!.status).toBe(401);
    vi.advanceTimersByTime(60_000);
    expect(fake.connectCalls).toBe(before + 1);
  });

  it("queues messages while offline and sends them once, in order, after resuming the rooms", async () => {
    const client = make();
    fake.respond = (event, payload) => (event === "room:join" ? joinReply(1) : { ok: true, message: message(payload.clientId!, 0) });
    fake.open();
    await client.join("room_1");
    fake.drop();
    const sends = ["first", "second", "third"].map((content) => client.send("room_1", { content }));
    await flush();
    expect(fake.sent.filter((s) => s.event === "message:send")).toEqual([]);
    expect(client.pending.map((p) => p.content)).toEqual(["first", "second", "third"]);

    fake.sent = [];
    vi.advanceTimersByTime(1000);
    fake.open();
    const delivered = await Promise.all(sends);
    expect(delivered.map((m) => m.id)).toEqual(["c1", "c2", "c3"]);
    expect(fake.sent.map((s) => [s.event, s.payload.clientId ?? s.payload.lastSeq])).toEqual([
      ["room:join", 1],
      ["message:send", "c1"],
      ["message:send", "c2"],
      ["message:send", "c3"],
    ]);
    expect(client.pending).toEqual([]);
    client.close();
  });

  it("resends with the same clientId when the connection drops before the ack", async () => {
    const client = make();
    let answer: ((value: unknown) => void) | undefined;
    fake.respond = (event, payload) => (event === "message:send" && !answer ? new Promise((resolve) => (answer = resolve)) : { ok: true, message: message(payload.clientId!, 2) });
    fake.open();
    const sending = client.send("room_1", { content: "during the outage" });
    await flush();
    fake.drop();
    await flush();
    vi.advanceTimersByTime(1000);
    fake.open();
    const stored = await sending;
    expect(stored.id).toBe("c1");
    expect(fake.sent.filter((s) => s.event === "message:send").map((s) => s.payload.clientId)).toEqual(["c1", "c1"]);
    answer?.({ ok: true, message: message("c1", 2) });
    client.close();
  });

  it("rejects a refused message and carries on with the next", async () => {
    const client = make();
    fake.respond = (_event, payload) =>
      payload.content === "too big" ? { ok: false, error: { status: 413, title: "Payload too large", detail: "The message text is 20000 bytes" } } : { ok: true, message: message(payload.clientId!, 3) };
    fake.open();
    const failed: string[] = [];
    client.on("failed", ({ clientId }) => failed.push(clientId));
    const bad = client.send("room_1", { content: "too big" });
    const good = client.send("room_1", { content: "fine" });
    await expect(bad).rejects.toMatchObject({ status: 413 });
    expect((await good).id).toBe("c2");
    expect(failed).toEqual(["c1"]);
    client.close();
  });

  it("resumes from the last position, pages, and never delivers a change twice", async () => {
    const client = make();
    const delivered: number[] = [];
    client.on("change", (event) => delivered.push(event.position));
    fake.respond = () => joinReply(5);
    fake.open();
    await client.join("room_1");
    fake.fire("message:new", newEvent(6));
    fake.fire("message:new", newEvent(7));
    fake.drop();

    const pages = [joinReply(9, [newEvent(8), newEvent(9)], true), joinReply(10, [newEvent(10)], false)];
    fake.respond = () => pages.shift();
    fake.sent = [];
    vi.advanceTimersByTime(1000);
    fake.open();
    await flush();
    await flush();
    expect(fake.sent.map((s) => s.payload.lastSeq)).toEqual([7, 9]);
    fake.fire("message:new", newEvent(9));
    fake.fire("message:new", newEvent(11));
    expect(delivered).toEqual([6, 7, 8, 9, 10, 11]);
    expect(client.position("room_1")).toBe(11);
    client.close();
  });

  it("fills a gap in the live stream from the server", async () => {
    const client = make();
    const delivered: number[] = [];
    client.on("change", (event) => delivered.push(event.position));
    fake.respond = () => joinReply(1);
    fake.open();
    await client.join("room_1");
    fake.fire("message:new", newEvent(2));
    fake.fire("message:new", newEvent(4));
    expect(delivered).toEqual([2]);
    fake.respond = (_event, payload) => (payload.lastSeq === 2 ? joinReply(4, [newEvent(3), newEvent(4)]) : joinReply(4));
    vi.advanceTimersByTime(100);
    await flush();
    expect(delivered).toEqual([2, 3, 4]);
    client.close();
  });

  it("buffers live events that arrive while a join is still reading", async () => {
    const client = make();
    const delivered: number[] = [];
    client.on("change", (event) => delivered.push(event.position));
    let answer: ((value: unknown) => void) | undefined;
    fake.respond = () => new Promise((resolve) => (answer = resolve));
    fake.open();
    const joined = client.join("room_1", { lastSeq: 3 });
    await flush();
    fake.fire("message:new", newEvent(6));
    fake.fire("message:new", newEvent(5));
    answer!(joinReply(5, [newEvent(4), newEvent(5)]));
    await joined;
    expect(delivered).toEqual([4, 5, 6]);
    client.close();
  });

  it("drops the socket when the device goes offline, does not try while offline, and retries at once when back", async () => {
    let online = true;
    let notify: (online: boolean) => void = () => {};
    const client = make({ network: { isOnline: () => online, subscribe: (listener) => ((notify = listener), () => {}) } });
    fake.respond = (event, payload) => (event === "room:join" ? joinReply(1) : { ok: true, message: message(payload.clientId!, 0) });
    fake.open();
    await client.join("room_1");
    online = false;
    notify(false);
    expect(fake.connected).toBe(false);
    expect(client.state).toBe("reconnecting");
    expect(client.retryAt).not.toBeNull();
    const sending = client.send("room_1", { content: "while offline" });
    const calls = fake.connectCalls;
    vi.advanceTimersByTime(1000 + 2000 + 4000);
    expect(fake.connectCalls).toBe(calls); // no attempt while the device has no network
    expect(client.state).toBe("reconnecting");
    online = true;
    notify(true);
    expect(fake.connectCalls).toBe(calls + 1); // at once, not after the pending 8 s
    fake.open();
    expect((await sending).id).toBe("c1");
    expect(fake.sent.filter((s) => s.event === "message:send")).toHaveLength(1);
    client.close();
  });

  it("reconnectNow skips the rest of the backoff delay", () => {
    const client = make();
    fake.fire("connect_error", new Error("down"));
    fake.fire("connect_error", new Error("down"));
    const calls = fake.connectCalls;
    client.reconnectNow();
    expect(fake.connectCalls).toBe(calls + 1);
    vi.advanceTimersByTime(60_000);
    expect(fake.connectCalls).toBe(calls + 1);
    client.close();
  });

  it("throttles typing and drops it while offline", () => {
    const client = make({ typingIntervalMs: 1000 });
    fake.respond = () => joinReply(1);
    fake.open();
    void client.join("room_1");
    fake.sent = [];
    client.typing("room_1");
    client.typing("room_1");
    vi.advanceTimersByTime(1000);
    client.typing("room_1");
    fake.drop();
    vi.advanceTimersByTime(2000);
    client.typing("room_1");
    expect(fake.sent.filter((s) => s.event === "typing")).toHaveLength(2);
    client.close();
  });
});
