import { getConfig } from "@/lib/config/env";
import { getRedis } from "@/lib/realtime/redis";

/**
 * Who is online in a room: the users with at least one socket joined to it.
 * Sockets are counted per user, so a second tab does not announce the user
 * again and closing one of two tabs does not take them offline.
 *
 * With REDIS_URL every instance shares one sorted set per room, member
 * `<userId>|<socketId>`, scored by an expiry that each instance refreshes
 * for its own sockets (refreshPresence). A crashed instance's sockets stop
 * being refreshed and drop out after PRESENCE_TTL_MS. Without Redis the
 * state lives in this process, which is then the only instance.
 */
export const PRESENCE_TTL_MS = 90_000;
export const PRESENCE_REFRESH_MS = 30_000;

export type PresenceChange = { online: string[]; changed: boolean };
export type OnlineUser = { userId: string; connections: number };

// Under REDIS_KEY_PREFIX, like every other key, so hubs sharing one Redis keep apart.
const key = (roomId: string) => `${getConfig().REDIS_KEY_PREFIX}:presence:${roomId}`;
const member = (userId: string, socketId: string) => `${userId}|${socketId}`;

// One map per process, shared by the socket server and the route handlers Next bundles separately.
const MEMORY_KEY = Symbol.for("message-hub.rooms.presence");
type Holder = { [MEMORY_KEY]?: Map<string, Map<string, Set<string>>> };
function memory(): Map<string, Map<string, Set<string>>> {
  const holder = globalThis as Holder;
  holder[MEMORY_KEY] ??= new Map();
  return holder[MEMORY_KEY];
}

function countUsers(entries: string[]): OnlineUser[] {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const userId = entry.slice(0, entry.indexOf("|"));
    counts.set(userId, (counts.get(userId) ?? 0) + 1);
  }
  return [...counts].map(([userId, connections]) => ({ userId, connections })).sort((a, b) => a.userId.localeCompare(b.userId));
}

async function liveEntries(roomId: string): Promise<string[]> {
  const redis = getRedis();
  if (!redis) {
    const users = memory().get(roomId);
    if (!users) return [];
    return [...users].flatMap(([userId, sockets]) => [...sockets].map((socketId) => member(userId, socketId)));
  }
  return redis.zRangeByScore(key(roomId), Date.now(), "+inf");
}

export async function onlineUsers(roomId: string): Promise<OnlineUser[]> {
  return countUsers(await liveEntries(roomId));
}

/** Adds a socket. `changed` is true when this made the user come online. */
export async function presenceJoin(roomId: string, userId: string, socketId: string): Promise<PresenceChange> {
  const redis = getRedis();
  let added: boolean;
  if (!redis) {
    const users = memory().get(roomId) ?? new Map<string, Set<string>>();
    memory().set(roomId, users);
    const sockets = users.get(userId) ?? new Set<string>();
    users.set(userId, sockets);
    added = !sockets.has(socketId);
    sockets.add(socketId);
  } else {
    const now = Date.now();
    const [, count] = await redis
      .multi()
      .zRemRangeByScore(key(roomId), "-inf", now)
      .zAdd(key(roomId), { score: now + PRESENCE_TTL_MS, value: member(userId, socketId) })
      .pExpire(key(roomId), PRESENCE_TTL_MS)
      .exec();
    added = Number(count) === 1;
  }
  const online = await onlineUsers(roomId);
  const mine = online.find((user) => user.userId === userId)?.connections ?? 0;
  return { online: online.map((user) => user.userId), changed: added && mine === 1 };
}

/** Removes a socket. `changed` is true when the user's last socket left. */
export async function presenceLeave(roomId: string, userId: string, socketId: string): Promise<PresenceChange> {
  const redis = getRedis();
  let removed: boolean;
  if (!redis) {
    const users = memory().get(roomId);
    const sockets = users?.get(userId);
    removed = sockets?.delete(socketId) ?? false;
    if (sockets?.size === 0) users!.delete(userId);
    if (users?.size === 0) memory().delete(roomId);
  } else {
    removed = (await redis.zRem(key(roomId), member(userId, socketId))) === 1;
  }
  const online = await onlineUsers(roomId);
  return { online: online.map((user) => user.userId), changed: removed && !online.some((user) => user.userId === userId) };
}

/** Removes every socket of a user (they were removed from the room). */
export async function presenceDropUser(roomId: string, userId: string): Promise<PresenceChange> {
  const redis = getRedis();
  let removed: boolean;
  if (!redis) {
    removed = memory().get(roomId)?.delete(userId) ?? false;
  } else {
    const mine = (await redis.zRange(key(roomId), 0, -1)).filter((entry) => entry.startsWith(`${userId}|`));
    removed = mine.length > 0 && (await redis.zRem(key(roomId), mine)) > 0;
  }
  const online = await onlineUsers(roomId);
  return { online: online.map((user) => user.userId), changed: removed };
}

/** Extends the expiry of this instance's sockets (Redis only; a no-op in memory). */
export async function refreshPresence(entries: Array<{ roomId: string; userId: string; socketId: string }>): Promise<void> {
  const redis = getRedis();
  if (!redis || entries.length === 0) return;
  const expires = Date.now() + PRESENCE_TTL_MS;
  const multi = redis.multi();
  // XX: refresh only entries still present, so a socket that left is not brought back.
  for (const entry of entries) multi.zAdd(key(entry.roomId), { score: expires, value: member(entry.userId, entry.socketId) }, { condition: "XX" });
  for (const roomId of new Set(entries.map((entry) => entry.roomId))) multi.pExpire(key(roomId), PRESENCE_TTL_MS);
  await multi.exec();
}
