import type { Server } from "socket.io";
import { hasScopes, type Actor, type Scope } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { getLogger } from "@/lib/log/logger";
import { publish } from "@/lib/realtime/publish";
import { findMembership } from "@/lib/rooms/access";
import { listChanges } from "@/lib/rooms/changes";
import { postMessage } from "@/lib/rooms/post-message";
import { presenceJoin, presenceLeave, PRESENCE_REFRESH_MS, refreshPresence } from "@/lib/rooms/presence";
import { consumeJoinQuota, consumeMessageQuota } from "@/lib/rooms/rate-limit";
import { joinPayload, roomPayload, sendPayload, type JoinResult, type MessageView, type PresenceEvent, type RoomRole, type TypingEvent } from "@/lib/rooms/schemas";
import { clearTyping, expireTyping, markTyping, TYPING_REBROADCAST_MS, TYPING_TTL_MS } from "@/lib/rooms/typing";
import { onEvent, type HubSocket, type SocketRegistrar } from "@/server/realtime/index";

/**
 * Incident rooms over Socket.IO. See docs/realtime.md for the protocol.
 *
 * - `room:join {roomId, lastSeq?}` checks membership, joins the socket to
 *   `room:<id>` and only then reads the changes after lastSeq from the
 *   database. Anything that commits after that read is published after its
 *   commit, when the socket is already in the room, so nothing falls between
 *   the two. Duplicates are possible and carry positions the client has seen.
 * - `message:send` checks membership and role on every send (postMessage).
 * - `typing` needs a joined socket; broadcasts are debounced per user.
 * - Presence counts sockets per user (lib/rooms/presence.ts).
 */
const roomTarget = (roomId: string) => `room:${roomId}` as const;

function requireScope(actor: Actor, scope: Scope): void {
  if (!hasScopes(actor, [scope])) throw new AppError("forbidden", `This API key lacks the scope ${scope}`);
}

function joinedRooms(socket: HubSocket): string[] {
  return [...socket.rooms].filter((room) => room.startsWith("room:")).map((room) => room.slice("room:".length));
}

async function announcePresence(roomId: string, userId: string, status: PresenceEvent["status"], online: string[]): Promise<void> {
  const event: PresenceEvent = { roomId, userId, status, online };
  publish(roomTarget(roomId), "presence", event);
}

// The role each socket had when it joined each room (typing needs it without a query per keystroke).
const socketRoles = new WeakMap<HubSocket, Map<string, RoomRole>>();
function rolesOf(socket: HubSocket): Map<string, RoomRole> {
  let roles = socketRoles.get(socket);
  if (!roles) socketRoles.set(socket, (roles = new Map()));
  return roles;
}

// When each socket last sent `typing` per room, to shed keystroke-rate floods before they reach the store.
const typingSeen = new WeakMap<HubSocket, Map<string, { at: number; expiresAt: string }>>();

// Per instance: when each user's typing was last broadcast, and the timer that announces its end.
const lastTypingBroadcast = new Map<string, number>();
const typingTimers = new Map<string, NodeJS.Timeout>();

function scheduleTypingEnd(roomId: string, userId: string): void {
  const key = `${roomId}|${userId}`;
  clearTimeout(typingTimers.get(key));
  const timer = setTimeout(() => {
    typingTimers.delete(key);
    void expireTyping(roomId, userId)
      .then((expired) => {
        if (!expired) return;
        lastTypingBroadcast.delete(key);
        const event: TypingEvent = { roomId, userId, typing: false, expiresAt: null };
        publish(roomTarget(roomId), "typing", event);
      })
      .catch((error: unknown) => getLogger().warn({ err: error }, "typing expiry failed"));
  }, TYPING_TTL_MS + 50);
  timer.unref();
  typingTimers.set(key, timer);
}

async function endTyping(roomId: string, userId: string): Promise<void> {
  const key = `${roomId}|${userId}`;
  clearTimeout(typingTimers.get(key));
  typingTimers.delete(key);
  lastTypingBroadcast.delete(key);
  if (await clearTyping(roomId, userId)) {
    const event: TypingEvent = { roomId, userId, typing: false, expiresAt: null };
    publish(roomTarget(roomId), "typing", event);
  }
}

// One presence refresher per Socket.IO server: keeps this instance's sockets alive in the shared store.
const refreshers = new WeakMap<Server, NodeJS.Timeout>();
function ensurePresenceRefresher(io: Server): void {
  if (refreshers.has(io)) return;
  const timer = setInterval(() => {
    const entries = [...io.of("/").sockets.values()].flatMap((socket) =>
      joinedRooms(socket as HubSocket).map((roomId) => ({ roomId, userId: (socket as HubSocket).data.actor.userId, socketId: socket.id })),
    );
    refreshPresence(entries).catch((error: unknown) => getLogger().warn({ err: error }, "presence refresh failed"));
  }, PRESENCE_REFRESH_MS);
  timer.unref();
  refreshers.set(io, timer);
}

export const registerRoomSockets: SocketRegistrar = (socket, io) => {
  ensurePresenceRefresher(io);
  const userId = socket.data.actor.userId;

  onEvent(socket, "room:join", joinPayload, async ({ roomId, lastSeq }, actor): Promise<JoinResult> => {
    requireScope(actor, "rooms:read");
    await consumeJoinQuota(actor.userId);
    const db = getDb();
    const { room, role } = await findMembership(db, roomId, actor.userId);
    // Join before reading: see the comment at the top of this file.
    await socket.join(roomTarget(roomId));
    rolesOf(socket).set(roomId, role);
    const presence = await presenceJoin(roomId, actor.userId, socket.id);
    if (presence.changed) await announcePresence(roomId, actor.userId, "online", presence.online);
    const changes = await listChanges(db, actor.userId, roomId, lastSeq ?? room.lastPosition);
    // Without lastSeq the client starts fresh: nothing is missed, and it reads history over REST.
    return { ...changes, online: presence.online };
  });

  onEvent(socket, "room:leave", roomPayload, async ({ roomId }) => {
    if (!socket.rooms.has(roomTarget(roomId))) return {};
    await socket.leave(roomTarget(roomId));
    rolesOf(socket).delete(roomId);
    const presence = await presenceLeave(roomId, userId, socket.id);
    if (presence.changed) await announcePresence(roomId, userId, "offline", presence.online);
    return {};
  });

  onEvent(socket, "message:send", sendPayload, async (payload, actor): Promise<{ message: MessageView; created: boolean }> => {
    requireScope(actor, "rooms:write");
    await consumeMessageQuota(actor.userId);
    const { roomId, ...input } = payload;
    const result = await postMessage(getDb(), actor, roomId, input);
    await endTyping(roomId, actor.userId);
    return result;
  });

  onEvent(socket, "typing", roomPayload, async ({ roomId }, actor) => {
    requireScope(actor, "rooms:write");
    // The socket's membership was checked when it joined; a removed member's sockets are taken out of the room.
    if (!socket.rooms.has(roomTarget(roomId))) throw new AppError("not_found", "Join the room before typing in it");
    if (rolesOf(socket).get(roomId) === "observer") throw new AppError("forbidden", "Observers cannot post in this room, so they do not type in it either");
    const key = `${roomId}|${actor.userId}`;
    const now = Date.now();
    // A client that fires on every keystroke costs one store write per quarter second at most.
    const previous = typingSeen.get(socket)?.get(roomId);
    if (previous && now - previous.at < 250) return { expiresAt: previous.expiresAt };
    const last = lastTypingBroadcast.get(key) ?? 0;
    const { wasTyping, expiresAt } = await markTyping(roomId, actor.userId, now);
    scheduleTypingEnd(roomId, actor.userId);
    if (!typingSeen.has(socket)) typingSeen.set(socket, new Map());
    typingSeen.get(socket)!.set(roomId, { at: now, expiresAt: new Date(expiresAt).toISOString() });
    // Debounce: a user who keeps typing is re-announced at most once a second (clients expire the indicator after 3 s).
    if (wasTyping && now - last < TYPING_REBROADCAST_MS) return { expiresAt: new Date(expiresAt).toISOString() };
    lastTypingBroadcast.set(key, now);
    const event: TypingEvent = { roomId, userId: actor.userId, typing: true, expiresAt: new Date(expiresAt).toISOString() };
    socket.to(roomTarget(roomId)).emit("typing", event);
    return { expiresAt: event.expiresAt };
  });

  socket.on("disconnecting", () => {
    for (const roomId of joinedRooms(socket)) {
      presenceLeave(roomId, userId, socket.id)
        .then((presence) => (presence.changed ? announcePresence(roomId, userId, "offline", presence.online) : undefined))
        .catch((error: unknown) => getLogger().warn({ err: error }, "presence cleanup failed"));
    }
  });
};
