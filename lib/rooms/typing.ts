import { getConfig } from "@/lib/config/env";
import { getRedis } from "@/lib/realtime/redis";

/**
 * Who is typing in a room. An entry expires TYPING_TTL_MS after the user's
 * last typing event; the socket layer broadcasts the start, refreshes at
 * most once per TYPING_REBROADCAST_MS per user (the debounce), and the stop
 * when the entry expires or the user sends. Shared through Redis when
 * REDIS_URL is set (a sorted set per room scored by expiry), otherwise kept
 * in this process.
 */
export const TYPING_TTL_MS = 3_000;
export const TYPING_REBROADCAST_MS = 1_000;

// Under REDIS_KEY_PREFIX, like every other key, so hubs sharing one Redis keep apart.
const key = (roomId: string) => `${getConfig().REDIS_KEY_PREFIX}:typing:${roomId}`;

const MEMORY_KEY = Symbol.for("message-hub.rooms.typing");
type Holder = { [MEMORY_KEY]?: Map<string, Map<string, number>> };
function memory(): Map<string, Map<string, number>> {
  const holder = globalThis as Holder;
  holder[MEMORY_KEY] ??= new Map();
  return holder[MEMORY_KEY];
}

/** Marks the user as typing until now + TYPING_TTL_MS. Returns whether they already were. */
export async function markTyping(roomId: string, userId: string, now = Date.now()): Promise<{ wasTyping: boolean; expiresAt: number }> {
  const expiresAt = now + TYPING_TTL_MS;
  const redis = getRedis();
  if (!redis) {
    const users = memory().get(roomId) ?? new Map<string, number>();
    memory().set(roomId, users);
    const previous = users.get(userId);
    users.set(userId, expiresAt);
    return { wasTyping: previous !== undefined && previous > now, expiresAt };
  }
  const [previous] = await redis
    .multi()
    .zScore(key(roomId), userId)
    .zAdd(key(roomId), { score: expiresAt, value: userId })
    .pExpire(key(roomId), TYPING_TTL_MS * 2)
    .exec();
  return { wasTyping: previous !== null && previous !== undefined && Number(previous) > now, expiresAt };
}

/** Clears the user's entry (they sent their message). Returns whether they were typing. */
export async function clearTyping(roomId: string, userId: string, now = Date.now()): Promise<boolean> {
  const redis = getRedis();
  if (!redis) {
    const users = memory().get(roomId);
    const previous = users?.get(userId);
    users?.delete(userId);
    if (users?.size === 0) memory().delete(roomId);
    return previous !== undefined && previous > now;
  }
  const [previous] = await redis.multi().zScore(key(roomId), userId).zRem(key(roomId), userId).exec();
  return previous !== null && previous !== undefined && Number(previous) > now;
}

/**
 * Removes the user's entry if it has expired, and says whether it did. An
 * entry refreshed meanwhile (another tab, another instance) is left alone.
 */
export async function expireTyping(roomId: string, userId: string, now = Date.now()): Promise<boolean> {
  const redis = getRedis();
  if (!redis) {
    const users = memory().get(roomId);
    const expiresAt = users?.get(userId);
    if (expiresAt === undefined || expiresAt > now) return false;
    users!.delete(userId);
    if (users!.size === 0) memory().delete(roomId);
    return true;
  }
  const score = await redis.zScore(key(roomId), userId);
  if (score === null || score > now) return false;
  return (await redis.zRem(key(roomId), userId)) === 1;
}

export async function typingUsers(roomId: string, now = Date.now()): Promise<Array<{ userId: string; expiresAt: number }>> {
  const redis = getRedis();
  if (!redis) {
    return [...(memory().get(roomId) ?? [])].filter(([, expiresAt]) => expiresAt > now).map(([userId, expiresAt]) => ({ userId, expiresAt }));
  }
  const rows = await redis.zRangeByScoreWithScores(key(roomId), now + 1, "+inf");
  return rows.map((row) => ({ userId: row.value, expiresAt: row.score }));
}
