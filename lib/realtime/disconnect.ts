import type { Actor } from "@/lib/auth/actor";
import { getLogger } from "@/lib/log/logger";
import { getRealtimeServer } from "@/lib/realtime/publish";

/**
 * Ends open sockets when their credentials stop being valid. A new handshake
 * re-authenticates (and is refused); these close the sockets that are
 * already open. With the Redis adapter both reach sockets on every
 * instance. Call after the transaction that revoked the credentials commits.
 */

/** Disconnects every socket of a user (deactivation). */
export function disconnectUser(userId: string): void {
  getRealtimeServer()?.in(`user:${userId}`).disconnectSockets(true);
}

/**
 * Disconnects the user's sockets that authenticated a particular way: with
 * the session cookie (password change, sign out everywhere) or with one API
 * key (revocation, rotation).
 */
export async function disconnectUserSockets(userId: string, match: { via: "session" } | { apiKeyId: string }): Promise<void> {
  const io = getRealtimeServer();
  if (!io) return;
  try {
    const sockets = await io.in(`user:${userId}`).fetchSockets();
    for (const socket of sockets) {
      const actor = (socket.data as { actor?: Actor }).actor;
      const hit = "via" in match ? actor?.via === match.via : actor?.apiKeyId === match.apiKeyId;
      if (hit) socket.disconnect(true);
    }
  } catch (error) {
    // fetchSockets times out when another instance does not answer; the
    // credentials are already refused on every new request and handshake.
    getLogger().warn({ err: error, userId }, "could not reach every instance to disconnect sockets");
  }
}
