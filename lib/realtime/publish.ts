import type { Server } from "socket.io";
import { Emitter } from "@socket.io/redis-emitter";
import { getLogger } from "@/lib/log/logger";
import type { RedisClient } from "@/lib/realtime/redis";

/**
 * The publish side of realtime. Domain code calls publish() after its
 * transaction commits, in whichever process it runs:
 *
 * - on a web instance (ROLE=web|all) server/realtime owns a Socket.IO server;
 *   with the Redis adapter installed, an emit there reaches sockets connected
 *   to any instance;
 * - on a worker (ROLE=worker) there is no Socket.IO server, so the event goes
 *   through the Redis emitter, which speaks the adapter's protocol on the
 *   same channels: every web instance delivers it to its own sockets.
 *
 * Targets are room names: `user:<id>` for everything a user owns,
 * `room:<id>` for an incident room's members.
 */
export type Target = `user:${string}` | `room:${string}`;

/** The Redis channel prefix the adapter and the emitter agree on. */
export function socketIoRedisKey(prefix: string): string {
  return `${prefix}:socket.io`;
}

const IO_KEY = Symbol.for("message-hub.io");
const EMITTER_KEY = Symbol.for("message-hub.realtime-emitter");
type Holder = { [IO_KEY]?: Server; [EMITTER_KEY]?: Emitter };

export function setRealtimeServer(io: Server | undefined): void {
  (globalThis as Holder)[IO_KEY] = io;
}

/** Servers whose adapter delivers to other instances' sockets too (the Redis adapter). */
const crossInstance = new WeakSet<Server>();

/** Call where a cross-instance adapter is installed: publish() then emits even when no socket here is in the room. */
export function deliversAcrossInstances(io: Server): void {
  crossInstance.add(io);
}

/**
 * Whether an emit could reach anyone. With the in-process adapter only
 * sockets of this process can be in a room, and an emit to rooms with none
 * would still encode the event: a phone forwarding while no browser is open
 * paid for that on every message.
 */
function hasListeners(io: Server, target: Target | Target[]): boolean {
  if (crossInstance.has(io)) return true;
  const rooms = io.of("/").adapter.rooms;
  return Array.isArray(target) ? target.some((room) => rooms.has(room)) : rooms.has(target);
}

export function getRealtimeServer(): Server | undefined {
  return (globalThis as Holder)[IO_KEY];
}

export function setRealtimeEmitter(emitter: Emitter | undefined): void {
  (globalThis as Holder)[EMITTER_KEY] = emitter;
}

/**
 * An emitter that publishes on `redis` under the adapter's key. The emitter
 * fires its PUBLISH and forgets the promise; a Redis outage would surface as
 * an unhandled rejection and stop the process, so the client it sees logs
 * the failure instead. A lost realtime event is recovered by sync.
 */
export function createRealtimeEmitter(redis: RedisClient, keyPrefix: string): Emitter {
  const publisher = {
    publish: (channel: string, message: string | Buffer) =>
      redis.publish(channel, message).catch((error: unknown) => {
        getLogger().warn({ err: error, channel }, "realtime event not published: Redis unavailable");
        return 0;
      }),
  };
  return new Emitter(publisher, { key: socketIoRedisKey(keyPrefix) });
}

export function publish(target: Target | Target[], event: string, payload: unknown): void {
  const io = getRealtimeServer();
  if (io) {
    if (hasListeners(io, target)) io.to(target).emit(event, payload);
    return;
  }
  const emitter = (globalThis as Holder)[EMITTER_KEY];
  if (emitter) {
    emitter.to(target).emit(event, payload);
    return;
  }
  getLogger().debug({ event }, "realtime not attached in this process; event not published");
}
